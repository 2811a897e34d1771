// Checks a mapping a seller sends (PUT /api/v1/mapping): every kind known, every event name one Meta
// accepts, every value rule one the kind and the tenant's gateways can give. Errors name the field.
import type { DestinationMapping, DestinationName, MappingKind, MappingRule, ValueRule } from './conversion-mapping.ts';
import { DESTINATIONS, GATEWAY_PAYMENT_KINDS, MAPPING_KINDS, VALUE_RULES } from './conversion-mapping.ts';
import { metaEventNameProblem } from './meta-event-names.ts';

export interface MappingFieldError {
  path: string;
  message: string;
}

export interface ValidationContext {
  /** Gateways the tenant has connected that do not state the seller's net (a `net` rule is refused). */
  gatewaysWithoutNet: string[];
}

export type MappingPatch = Partial<Record<DestinationName, Partial<Record<MappingKind, MappingRule>>>>;

export function validateMapping(input: unknown, context: ValidationContext): { ok: true; value: MappingPatch } | { ok: false; errors: MappingFieldError[] } {
  const errors: MappingFieldError[] = [];
  const out: MappingPatch = {};
  if (!isRecord(input)) return { ok: false, errors: [{ path: '', message: 'expected an object keyed by destination, e.g. {"meta": {...}}' }] };
  for (const [destination, rules] of Object.entries(input)) {
    if (!(DESTINATIONS as readonly string[]).includes(destination)) {
      errors.push({ path: destination, message: `unknown destination; expected one of ${DESTINATIONS.join(', ')}` });
      continue;
    }
    if (!isRecord(rules)) {
      errors.push({ path: destination, message: 'expected an object keyed by kind' });
      continue;
    }
    const parsed: Partial<DestinationMapping> = {};
    for (const [kind, rule] of Object.entries(rules)) {
      const path = `${destination}.${kind}`;
      if (!(MAPPING_KINDS as readonly string[]).includes(kind)) {
        errors.push({ path, message: `unknown kind; expected one of ${MAPPING_KINDS.join(', ')}` });
        continue;
      }
      const checked = checkRule(path, kind as MappingKind, rule, context, errors);
      if (checked) parsed[kind as MappingKind] = checked;
    }
    out[destination as DestinationName] = parsed;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

function checkRule(path: string, kind: MappingKind, rule: unknown, context: ValidationContext, errors: MappingFieldError[]): MappingRule | undefined {
  if (!isRecord(rule)) {
    errors.push({ path, message: 'expected {"event": "Purchase" | "<custom name>" | null, "value": "paid" | "net" | "none"}' });
    return undefined;
  }
  const event = rule.event;
  if (event !== null && typeof event !== 'string') {
    errors.push({ path: `${path}.event`, message: 'expected an event name or null (not sent)' });
    return undefined;
  }
  if (typeof event === 'string') {
    const problem = metaEventNameProblem(event);
    if (problem) {
      errors.push({ path: `${path}.event`, message: problem });
      return undefined;
    }
  }
  const value = (rule.value ?? 'paid') as ValueRule;
  if (!(VALUE_RULES as readonly string[]).includes(value)) {
    errors.push({ path: `${path}.value`, message: `expected one of ${VALUE_RULES.join(', ')}` });
    return undefined;
  }
  if (value === 'net') {
    if (!GATEWAY_PAYMENT_KINDS.has(kind)) {
      errors.push({ path: `${path}.value`, message: `${kind} carries no payment, so it has no net value` });
      return undefined;
    }
    if (context.gatewaysWithoutNet.length) {
      errors.push({
        path: `${path}.value`,
        message: `net value is not stated by ${context.gatewaysWithoutNet.join(', ')} (connected); use paid`,
      });
      return undefined;
    }
  }
  return { event, value };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
