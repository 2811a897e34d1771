// CPF/CNPJ arrive formatted ("123.456.789-09") or not; the hub keeps digits only.

export function digitsOnly(value: string | undefined): string | undefined {
  const digits = (value ?? '').replace(/\D/g, '');
  return digits === '' ? undefined : digits;
}
