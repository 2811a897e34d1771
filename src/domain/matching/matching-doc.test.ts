// Guards docs/matching.md against drifting from the code: every example table marked
// `<!-- checked:… -->` is read and recomputed with the functions the matcher and Meta payload use.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone } from '../identity/index.ts';
import { conversionEventId } from './conversion-keys.ts';

const doc = readFileSync(new URL('../../../docs/matching.md', import.meta.url), 'utf8');

/** The body rows of the table that follows `<!-- checked:name -->`, cells unwrapped from backticks. */
function checkedTable(name: string): (string | null)[][] {
  const start = doc.indexOf(`<!-- checked:${name} -->`);
  if (start < 0) throw new Error(`no checked table ${name}`);
  const lines = doc.slice(start).split('\n').slice(1);
  const rows: (string | null)[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim())
        .map((cell) => (cell.startsWith('*(malformed') ? null : cell.replace(/^`(.*)`$/, '$1'))),
    );
  }
  expect(rows.length).toBeGreaterThan(0);
  return rows;
}

describe('docs/matching.md examples', () => {
  it.each(checkedTable('email'))('e-mail %j → %j', (typed, expected) => {
    expect(normalizeEmail(typed)).toBe(expected);
  });
  it.each(checkedTable('phone'))('phone %j → %j', (typed, expected) => {
    expect(normalizePhone(typed, 'BR')).toBe(expected);
  });
  it.each(checkedTable('event-id'))('event_id of %s %s %s %s', (tenantId, gateway, transactionId, kind, eventId) => {
    expect(conversionEventId({ tenantId: tenantId!, gateway: gateway!, transactionId: transactionId!, kind: kind! })).toBe(eventId);
  });
});
