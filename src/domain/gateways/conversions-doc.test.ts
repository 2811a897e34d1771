// Guards docs/conversions.md against drifting from the code: every table marked `<!-- checked:… -->`
// is read and compared with the status maps and the default mapping, both ways — a documented row the
// code does not have, and a code entry the table does not list, both fail.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eduzzEventKinds } from './eduzz/eduzz-status-map.ts';
import { hotmartEventKinds } from './hotmart/hotmart-status-map.ts';
import { gatewayNames } from './gateway-registry.ts';
import { kiwifyEventKinds, kiwifyOrderStatusKinds } from './kiwify/kiwify-status-map.ts';
import { stripeEventHandlers } from './stripe/stripe-event-map.ts';
import { PAID_INVOICE_KINDS } from './stripe/convert-billing-objects.ts';
import { DEFAULT_MAPPING, MAPPING_KINDS } from '../mapping/index.ts';

const doc = readFileSync(new URL('../../../docs/conversions.md', import.meta.url), 'utf8');

/** The rows of the table after `<!-- checked:name -->`: cells with backticks removed; italics → null. */
function table(name: string): Array<Array<string | null>> {
  const start = doc.indexOf(`<!-- checked:${name} -->`);
  if (start < 0) throw new Error(`docs/conversions.md has no checked table ${name}`);
  const rows: Array<Array<string | null>> = [];
  for (const line of doc.slice(start).split('\n').slice(3)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split('|').map((c) => c.trim()).map((c) => (c.startsWith('*(') ? null : c.replace(/`/g, ''))));
  }
  expect(rows.length).toBeGreaterThan(0);
  return rows;
}

function sameMap(name: string, code: Readonly<Record<string, string | null>>) {
  const rows = table(name);
  expect(Object.fromEntries(rows.map(([k, v]) => [k, v ?? null]))).toEqual({ ...code });
}

describe('docs/conversions.md', () => {
  it('Hotmart: every event and its kind, as the status map has them', () => sameMap('hotmart', hotmartEventKinds));
  it('Kiwify: every event type and its kind', () => sameMap('kiwify-events', kiwifyEventKinds));
  it('Kiwify: every order status and its kind', () => sameMap('kiwify-statuses', kiwifyOrderStatusKinds));
  it('Stripe: every invoice billing reason and its kind', () => sameMap('stripe-billing-reasons', PAID_INVOICE_KINDS));
  it('Eduzz: every event and its kind, as the status map has them', () => sameMap('eduzz', eduzzEventKinds));

  it('every registered gateway has a checked table', () => {
    for (const gateway of gatewayNames) expect(doc, gateway).toContain(`<!-- checked:${gateway}`);
  });

  it('Stripe: the converted events are exactly the ones the event map converts; the rest are evidence only', () => {
    const documented = table('stripe-events').map(([event]) => event);
    const converted = Object.entries(stripeEventHandlers).filter(([, h]) => h !== 'store_only').map(([e]) => e);
    expect([...documented].sort()).toEqual([...converted].sort());
  });

  it('the default mapping table is the code\'s default mapping', () => {
    const rows = table('default-mapping');
    expect(rows.map(([kind]) => kind)).toEqual([...MAPPING_KINDS]);
    for (const [kind, event, value] of rows) {
      expect(DEFAULT_MAPPING.meta[kind as (typeof MAPPING_KINDS)[number]], kind!).toEqual({ event: event ?? null, value });
    }
  });
});
