// What one evaluation changes in a tenant's alerts, decided from its open alerts and the rules'
// verdicts — a plan the store applies (store/alerts.ts applyAlertPlan) in one go:
//
//   condition holds, no open alert      → open a new alert (its notification is owed)
//   condition holds, alert open         → keep it, with fresh details (no new notification)
//   condition gone, alert open          → resolve it (its resolution is owed)
//   rule not evaluated (Meta silent)    → its open alerts stay exactly as they are
//
// So a condition that stays true is one alert, however long it lasts, and a later occurrence after
// it cleared is a new one.
import { isAlertRule, type AlertCondition, type AlertDetails, type RuleVerdict } from './alert-rules.ts';

export interface OpenAlert {
  id: string;
  rule: string;
  subject: string;
}

export interface AlertPlan {
  open: AlertCondition[];
  keep: Array<{ id: string; details: AlertDetails }>;
  resolve: string[];
}

const keyOf = (rule: string, subject: string): string => `${rule}\u0000${subject}`;

export function planAlertChanges(openAlerts: readonly OpenAlert[], verdicts: readonly RuleVerdict[]): AlertPlan {
  const evaluated = new Set(verdicts.filter((v) => v.evaluated).map((v) => v.rule as string));
  const holding = new Map<string, AlertCondition>();
  for (const verdict of verdicts) {
    if (!verdict.evaluated) continue;
    for (const condition of verdict.conditions) holding.set(keyOf(condition.rule, condition.subject), condition);
  }
  const plan: AlertPlan = { open: [], keep: [], resolve: [] };
  const alreadyOpen = new Set<string>();
  for (const alert of openAlerts) {
    const key = keyOf(alert.rule, alert.subject);
    alreadyOpen.add(key);
    // A rule that no longer exists in the code can never clear on its own.
    if (!isAlertRule(alert.rule)) {
      plan.resolve.push(alert.id);
      continue;
    }
    if (!evaluated.has(alert.rule)) continue;
    const condition = holding.get(key);
    if (condition) plan.keep.push({ id: alert.id, details: condition.details });
    else plan.resolve.push(alert.id);
  }
  for (const [key, condition] of holding) if (!alreadyOpen.has(key)) plan.open.push(condition);
  return plan;
}
