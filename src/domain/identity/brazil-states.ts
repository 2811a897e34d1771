// The 27 Brazilian federative units (26 states + Distrito Federal) and their IBGE two-letter
// codes (UF). Names are keyed in folded form (lowercase, no accents, no spaces): see foldForLookup.
export const BRAZIL_STATE_CODES: ReadonlyMap<string, string> = new Map([
  ['acre', 'ac'],
  ['alagoas', 'al'],
  ['amapa', 'ap'],
  ['amazonas', 'am'],
  ['bahia', 'ba'],
  ['ceara', 'ce'],
  ['distritofederal', 'df'],
  ['espiritosanto', 'es'],
  ['goias', 'go'],
  ['maranhao', 'ma'],
  ['matogrosso', 'mt'],
  ['matogrossodosul', 'ms'],
  ['minasgerais', 'mg'],
  ['para', 'pa'],
  ['paraiba', 'pb'],
  ['parana', 'pr'],
  ['pernambuco', 'pe'],
  ['piaui', 'pi'],
  ['riodejaneiro', 'rj'],
  ['riograndedonorte', 'rn'],
  ['riograndedosul', 'rs'],
  ['rondonia', 'ro'],
  ['roraima', 'rr'],
  ['santacatarina', 'sc'],
  ['saopaulo', 'sp'],
  ['sergipe', 'se'],
  ['tocantins', 'to'],
]);

export const BRAZIL_UF_CODES: ReadonlySet<string> = new Set(BRAZIL_STATE_CODES.values());
