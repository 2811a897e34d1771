// Eduzz webhook event -> conversion kind. `null` = stored for evidence, no conversion. A `myeduzz.*`
// event missing from the table is "not understood" (flagged unprocessable); events of Eduzz's other
// apps (Nutror, Blinket, Alpaclass: courses and live events, no sales) are stored with no conversion.
//
// Event list and one-line meanings: eduzz/eduzz-webhook-docs README.md ("MyEduzz") and
// events/myeduzz/*.md, HEAD fbe5538 (2024-07-01). What each invoice status means: the status table of
// the legacy webhook, whose statuses have the same names (eduzz/webhook campos-fatura.md, "Tabela de
// status de faturas"). Kinds as docs/conversions.md defines them.
import type { ConversionKind } from '../types.ts';

export const eduzzEventKinds: Readonly<Record<string, ConversionKind | null>> = {
  // "Fatura é atualizada para paga." / "3 Paga: Compra foi paga, o cliente já esta apto a receber o
  // produto". The published invoice says nothing of which charge of a subscription it is, so every
  // paid invoice is a purchase (docs/conversions.md says so).
  'myeduzz.invoice_paid': 'purchase',
  // "Fatura é criada e está aguardando pagamento." / "1 Aberta: cliente gerou boleto, mas ainda não foi compensado".
  'myeduzz.invoice_opened': 'pending',
  // "Fatura é atualizada para aguardando pagamento." / "15 Aguardando Pagamento: Faturas de recorrência
  // após o vencimento ficam com o status aguardando pagamento" — a late subscription charge.
  'myeduzz.invoice_waiting_payment': 'subscription_past_due',
  // "Fatura é atualizada para inadimplente." Published 2024-05-27 (babcc98), withdrawn 2024-06-07 as
  // not used (f881e9b); kept so a delivery of it is understood.
  'myeduzz.invoice_overdue': 'subscription_past_due',
  // "Fatura é atualizada para cancelada." / "4 Cancelada: Fatura Cancelada pela Eduzz" — never paid.
  'myeduzz.invoice_canceled': 'cancellation',
  // "Fatura é atualizada para expirada." / "10 Expirada: A fatura que fica mais de 15 dias aberta".
  'myeduzz.invoice_expired': 'cancellation',
  // "Fatura é atualizada para recusada." (the card was refused). Published and withdrawn with
  // invoice_overdue (babcc98, f881e9b).
  'myeduzz.invoice_refused': 'cancellation',
  // "Fatura é atualizada para reembolsada." / "7 Reembolsado: Cliente já foi reembolsado pela eduzz".
  'myeduzz.invoice_refunded': 'refund',
  // Not in the published list; named by public integrations that select it in the Developer Hub
  // [derived]. The invoice's money was reversed by the buyer's bank.
  'myeduzz.invoice_chargeback': 'chargeback',
  // "6 Aguardando Reembolso: Cliente solicitou reembolso, porem o mesmo ainda não foi efetuado":
  // nothing is refunded until invoice_refunded arrives.
  'myeduzz.invoice_waiting_refund': null,
  // "11 Em Recuperacao: Fatura entrou para o processo de recuperação": still unpaid, not final.
  'myeduzz.invoice_recovering': null,
  // "Fatura é atualizada para agendada." (a charge scheduled for later): no money yet.
  'myeduzz.invoice_scheduled': null,
  // "Fatura é atualizada para negociada." The published example spells the event
  // "myeduzz.invoice_negotiatied"; both spellings are understood.
  'myeduzz.invoice_negotiated': null,
  'myeduzz.invoice_negotiatied': null,
  // "Fatura é paga, e as comissões são processadas." The same sale as invoice_paid, told again with
  // each party's commission.
  'myeduzz.commission_processed': null,
  // Subscription contracts ("Criação/Atualização de contrato (assinatura)"): the money of each charge
  // comes as its own invoice_paid, so a contract is evidence only (a created contract counted as a sale
  // would count its first charge twice).
  'myeduzz.contract_created': null,
  'myeduzz.contract_updated': null,
  // The fake event sent when a configuration is activated ("será enviado um evento falso de ping").
  ping: null,
};

/** Eduzz's other apps, whose events a seller may tick in the same configuration (README.md; events/alpaclass/). */
const EDUZZ_APPS_WITHOUT_SALES = ['nutror', 'blinket', 'alpaclass'] as const;

export function eduzzKindFor(event: string): ConversionKind | null | undefined {
  if (Object.hasOwn(eduzzEventKinds, event)) return eduzzEventKinds[event];
  const app = event.split('.')[0] ?? '';
  return (EDUZZ_APPS_WITHOUT_SALES as readonly string[]).includes(app) && event.length > app.length + 1 ? null : undefined;
}
