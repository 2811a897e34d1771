// Guards deduplication: a condition that holds keeps one alert, one that clears resolves it, a rule
// that could not be evaluated leaves its alerts alone.
import { describe, expect, it } from 'vitest';
import { planAlertChanges } from './plan-alert-changes.ts';
import type { AlertCondition, RuleVerdict } from './alert-rules.ts';

const late: AlertCondition = { rule: 'sale_not_delivered', subject: 'meta', details: { count: 2 } };
const hotmartSigs: AlertCondition = { rule: 'signature_failures', subject: 'hotmart', details: { count: 12 } };
const verdicts = (...v: RuleVerdict[]) => v;
const held = (rule: RuleVerdict['rule'], ...conditions: AlertCondition[]): RuleVerdict => ({ rule, evaluated: true, conditions });

describe('planAlertChanges', () => {
  it.each([
    ['opens what holds and is not open', [], verdicts(held('sale_not_delivered', late)), { open: [late], keep: [], resolve: [] }],
    [
      'keeps an open alert whose condition still holds, with fresh details',
      [{ id: 'alr_1', rule: 'sale_not_delivered', subject: 'meta' }],
      verdicts(held('sale_not_delivered', late)),
      { open: [], keep: [{ id: 'alr_1', details: { count: 2 } }], resolve: [] },
    ],
    ['resolves an open alert whose condition cleared', [{ id: 'alr_1', rule: 'sale_not_delivered', subject: 'meta' }], verdicts(held('sale_not_delivered')), { open: [], keep: [], resolve: ['alr_1'] }],
    [
      'tells subjects apart: hotmart still failing, stripe cleared',
      [{ id: 'alr_h', rule: 'signature_failures', subject: 'hotmart' }, { id: 'alr_s', rule: 'signature_failures', subject: 'stripe' }],
      verdicts(held('signature_failures', hotmartSigs)),
      { open: [], keep: [{ id: 'alr_h', details: { count: 12 } }], resolve: ['alr_s'] },
    ],
    [
      'leaves the alerts of a rule that was not evaluated',
      [{ id: 'alr_t', rule: 'token_expiring', subject: 'meta' }],
      verdicts({ rule: 'token_expiring', evaluated: false, conditions: [] }),
      { open: [], keep: [], resolve: [] },
    ],
    ['resolves alerts of a rule the code no longer has', [{ id: 'alr_x', rule: 'retired_rule', subject: 'meta' }], verdicts(), { open: [], keep: [], resolve: ['alr_x'] }],
  ])('%s', (_label, open, v, plan) => {
    expect(planAlertChanges(open, v)).toEqual(plan);
  });
});
