// The answer of GET /api/v1/reconciliation as zod schemas: they describe every field in /docs. The
// operation (src/operations/reconciliation/reconcile.ts) builds the report to these shapes.
import { z } from 'zod';

const amounts = (description: string, example: Record<string, string>) =>
  z.record(z.string(), z.string()).meta({
    description: `${description}. Per currency: ISO 4217 code → exact decimal string, never a float (\`XXX\`: the gateway gave no currency; a sale without an amount adds 0)`,
    examples: [example],
  });

const count = (description: string, example: number) => z.number().int().min(0).meta({ description, examples: [example] });

const figure = (what: string, countExample: number, valueExample: Record<string, string>) =>
  z.object({
    count: count(`How many ${what}`, countExample),
    value: amounts(`What the buyers paid for them`, valueExample),
  });

const share = (description: string, countExample: number, rateExample: number | null) =>
  z
    .object({
      count: count('How many', countExample),
      rate: z.number().min(0).max(1).nullable().meta({ description: 'count / base, from 0 to 1 with 4 decimals; null when the base is 0', examples: [rateExample] }),
    })
    .meta({ description });

const coverage = (key: string, countExample: number, rateExample: number) =>
  share(`Accepted events whose user_data carries Meta's \`${key}\``, countExample, rateExample);

export const figuresShape = {
  received: figure('paid sales the gateways reported (purchases, first subscription payments, renewals), by the time they happened', 3, { BRL: '591.00' }).meta({
    description: 'Paid sales received: kinds `purchase`, `subscription_started` and `subscription_renewed`. Pending payments, refunds, chargebacks and cancellations are not sales.',
  }),
  sent: figure('of them Meta accepted (it answered `events_received`)', 2, { BRL: '394.00' })
    .extend({
      valueAtMeta: amounts(
        'The value the accepted events carried to Meta (`custom_data.value`): equal to `value` unless the conversion mapping sends the net value or none',
        { BRL: '394.00' },
      ),
    })
    .meta({ description: 'Sent to Meta and accepted' }),
  notSent: figure('of them were not sent and will not be without a change', 1, { BRL: '197.00' })
    .extend({
      byReason: z
        .object({
          mappingOff: figure('the conversion mapping sends no Meta event for (change it with PUT /api/v1/mapping, then replay)', 1, { BRL: '197.00' }).meta({
            description: 'The conversion mapping turns this kind off for Meta',
          }),
          tooOld: figure("happened more than Meta's 7 days before they could be sent", 0, {}).meta({ description: 'Older than Meta accepts (7 days)' }),
          invalidData: figure('Meta would refuse as built (no usable customer information, no currency, …)', 0, {}).meta({
            description: "Data Meta would refuse: the event's story (GET /api/v1/events/{id}) says what is missing",
          }),
          noCapiEvent: figure('have no CAPI event at all (should never happen: report it)', 0, {}).meta({ description: 'No CAPI event was recorded for the sale' }),
          other: figure('were held back for another recorded reason', 0, {}).meta({ description: 'Skipped for another reason (the story says which)' }),
        })
        .meta({ description: 'The same, by reason; the reasons add up to the whole' }),
    })
    .meta({ description: 'Not sent to Meta, and why' }),
  waiting: figure('are still on their way: queued, retrying, or waiting for a working Meta connection', 0, {}).meta({
    description: 'Still waiting: to send, retrying after a temporary error, or parked until the Meta connection works again',
  }),
  failed: figure('Meta refused for good', 0, {}).meta({ description: 'Failed: Meta refused them permanently (the story has its answer)' }),
  matched: z
    .object({
      count: count('Paid sales linked to a session or click (pass-through id, identity or fingerprint)', 2),
      rate: z.number().min(0).max(1).nullable().meta({ description: 'count / paid sales received, 0 to 1; null when none', examples: [0.6667] }),
      withClick: share('Of the paid sales, those linked to an ad click (the match carries its click)', 1, 0.3333),
    })
    .meta({ description: 'Matched to a click: how many paid sales the hub linked to the visit that led to them' }),
  identifiers: z
    .object({
      base: count('Accepted events the shares are of (equal to `sent.count`)', 2),
      em: coverage('em', 2, 1),
      ph: coverage('ph', 2, 1),
      fbc: coverage('fbc', 1, 0.5),
      fbp: coverage('fbp', 1, 0.5),
      clientIpAddress: coverage('client_ip_address', 2, 1),
      clientUserAgent: coverage('client_user_agent', 1, 0.5),
    })
    .meta({ description: 'Identifier coverage: the share of accepted events carrying each identifier Meta matches on' }),
  refunds: figure('refunds happened in the period (not sales: counted apart)', 0, {}).meta({ description: 'Refunds, for reference' }),
  chargebacks: figure('chargebacks happened in the period (not sales: counted apart)', 0, {}).meta({ description: 'Chargebacks, for reference' }),
  webhooks: z
    .object({
      unread: count('Webhooks stored that the hub has not turned into conversions yet (a sale among them is not counted above yet)', 0),
      unprocessable: count('Webhooks signed but not understood, kept raw for an operator (GET /api/v1/events?status=unprocessable)', 0),
    })
    .meta({ description: 'Webhooks of the period (by the time they arrived) not turned into conversions' }),
};

const figures = z.object(figuresShape);

const periodRow = z.object({
  periodStart: z.string().meta({ description: 'Start of the period, included (RFC 3339, UTC): an hour, or midnight in `timezone`', examples: ['2026-11-28T03:00:00.000Z'] }),
  periodEnd: z.string().meta({ description: 'End of the period, excluded (RFC 3339, UTC)', examples: ['2026-11-29T03:00:00.000Z'] }),
  gateway: z.string().meta({ description: 'The gateway: hotmart, kiwify or stripe', examples: ['hotmart'] }),
  ...figuresShape,
});

const gatewayRow = z.object({
  gateway: z.string().meta({ description: 'The gateway: hotmart, kiwify or stripe', examples: ['hotmart'] }),
  ...figuresShape,
});

export const reconciliationReport = z.object({
  from: z.string().meta({ description: 'Start of the range, included (RFC 3339, UTC)', examples: ['2026-11-28T03:00:00.000Z'] }),
  to: z.string().meta({ description: 'End of the range, excluded (RFC 3339, UTC)', examples: ['2026-11-30T03:00:00.000Z'] }),
  granularity: z.enum(['hour', 'day']).meta({ description: 'The length of each period', examples: ['day'] }),
  timezone: z.string().meta({ description: 'The IANA time zone the periods were cut in', examples: ['America/Sao_Paulo'] }),
  data: z
    .array(periodRow)
    .meta({ description: 'One entry per gateway and period with anything in it, oldest first; periods with nothing are left out' }),
  gateways: z.array(gatewayRow).meta({ description: 'Each gateway over the whole range' }),
  total: figures.meta({ description: 'Every gateway over the whole range' }),
});
