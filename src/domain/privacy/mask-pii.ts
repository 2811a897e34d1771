// Masks buyers' personal data for operator views (LGPD): raw gateway bodies, normalized conversions,
// match evidence, CAPI events, request headers. Three rules decide every value:
//
//   1. Credentials (hottok, signatures, tokens, secrets) are replaced whole: "[redacted]".
//   2. Business data on the allow-list (view-policy.ts: ids, statuses, amounts, currencies, product
//      names, dates, event types, tracking parameters) is shown, scrubbed of any e-mail, CPF/CNPJ,
//      phone or IP written inside it — unless it sits in a personal subtree (a buyer, an address).
//   3. Everything else is masked, keeping its shape: by its key when the key says what it is (a phone,
//      a document, a name, a user agent), by its value when the value looks like an e-mail, an IP, a
//      CPF/CNPJ, a phone or a URL, and otherwise to a hint of its length.
//
// The walk is iterative (an explicit queue, breadth first) and bounded: below MAX_DEPTH levels a
// subtree is replaced by a note, and past MAX_NODES values the rest of each container is counted, not
// shown (and past MAX_MEMBERS in any one container) — a body nested 100,000 deep or a million members
// wide still shows its first levels. Keys are
// masked like values when they look like personal data, and written as own properties (`__proto__`
// stays a key, never a prototype).
import { maskByShape, maskDocument, maskName, maskPhone, maskText, maskUrl, maskUserAgent, scrubText, shapeOf } from './pii-shapes.ts';
import { BODY_POLICY, HEADER_POLICY, isSecretKey, isShownParam, kindOf, normalizeKey, type Shown, type ViewPolicy } from './view-policy.ts';

export { maskEmail, maskIp } from './pii-shapes.ts';

export const MAX_DEPTH = 32;
export const MAX_NODES = 10_000;
/** Per array or object, so one huge list cannot use up the budget of its siblings. */
export const MAX_MEMBERS = 1_000;
const MAX_SHOWN_CHARS = 500;
const MAX_KEY_CHARS = 120;
export const REDACTED = '[redacted]';

export interface MaskOptions {
  /** What the value is (`buyer`, `evidence`, …): its key, as if it were a member of a larger document. */
  under?: string;
  policy?: ViewPolicy;
}

interface Task {
  value: unknown;
  /** Normalized keys from the root; the items of an array keep the array's key. */
  path: readonly string[];
  /** Whether an ancestor (not the value itself) is a personal subtree. */
  inPersonal: boolean;
  depth: number;
  target: Record<string, unknown> | unknown[];
  slot: string | number;
}

/** A copy of `input` safe to show an operator. Never throws on JSON input, however deep or wide. */
export function maskPii(input: unknown, options: MaskOptions = {}): unknown {
  const policy = options.policy ?? BODY_POLICY;
  const root: unknown[] = [];
  const queue: Array<Task | undefined> = [
    { value: input, path: options.under ? [normalizeKey(options.under)] : [], inPersonal: false, depth: 0, target: root, slot: 0 },
  ];
  let budget = MAX_NODES - 1;
  for (let head = 0; head < queue.length; head++) {
    const task = queue[head]!;
    queue[head] = undefined; // what is done can be collected
    const { value, path } = task;
    if (value !== null && value !== undefined && isSecretKey(path)) {
      put(task.target, task.slot, REDACTED);
    } else if (value === null || typeof value !== 'object') {
      put(task.target, task.slot, maskLeaf(value, task, policy));
    } else if (task.depth >= MAX_DEPTH) {
      put(task.target, task.slot, `[deeper than ${MAX_DEPTH} levels: not shown]`);
    } else {
      const key = path[path.length - 1];
      const childrenInPersonal = task.inPersonal || (key !== undefined && policy.personal.has(key));
      const depth = task.depth + 1;
      if (Array.isArray(value)) {
        const shown = Math.min(value.length, budget, MAX_MEMBERS);
        budget -= shown;
        const out: unknown[] = [];
        for (let i = 0; i < shown; i++) queue.push({ value: value[i], path, inPersonal: task.inPersonal, depth, target: out, slot: i });
        if (shown < value.length) out[shown] = `[${value.length - shown} more items not shown]`;
        put(task.target, task.slot, out);
      } else {
        const keys = Object.keys(value);
        const shown = Math.min(keys.length, budget, MAX_MEMBERS);
        budget -= shown;
        const out: Record<string, unknown> = {};
        const taken = new Map<string, number>();
        for (let i = 0; i < shown; i++) {
          const k = keys[i]!;
          const slot = uniqueKey(out, maskKey(k), taken);
          put(out, slot, undefined); // keeps the members in their order; filled when dequeued
          const child = (value as Record<string, unknown>)[k];
          queue.push({ value: child, path: [...path, normalizeKey(k)], inPersonal: childrenInPersonal, depth, target: out, slot });
        }
        if (shown < keys.length) put(out, uniqueKey(out, '…', taken), `[${keys.length - shown} more members not shown]`);
        put(task.target, task.slot, out);
      }
    }
  }
  return root[0];
}

/** Webhook request headers as stored (secrets already removed): transport shown, the rest masked. */
export function maskHeaders(headers: unknown): unknown {
  return maskPii(headers, { policy: HEADER_POLICY });
}

function maskLeaf(value: unknown, task: Task, policy: ViewPolicy): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  const { path } = task;
  const shown = task.inPersonal && !policy.shownInPersonal(path) ? undefined : policy.shown(path);
  if (typeof value === 'number') return maskNumber(value, shown, task);
  if (typeof value !== 'string') return maskText(String(value));
  if (value === '') return value;
  if (shown) return showText(value, shown);
  switch (kindOf(path)) {
    case 'phone':
      return maskPhone(value);
    case 'document':
      return maskDocument(value);
    case 'name':
      return maskName(value);
    case 'user_agent':
      return maskUserAgent(value);
    case 'other': {
      const shape = shapeOf(value);
      return shape ? maskByShape(value, shape) : maskText(value);
    }
  }
}

function showText(value: string, shown: Shown): string {
  if (shown === 'date' && /^\d{9,13}$/.test(value.trim())) return value; // epoch seconds or milliseconds
  if (shown === 'meta_cookie' && /^fb\.\d\.\d{10,13}\.[\w-]{1,200}$/.test(value)) return value;
  const shape = shown === 'url' ? 'url' : shapeOf(value);
  if (shape === 'url') return truncate(maskUrl(value, true, isShownParam));
  if (shape && shape !== 'hub_id') return maskByShape(value, shape);
  return truncate(scrubText(value));
}

// Amounts, counts and epoch times are shown; a number long enough to be a CPF or a phone number (8+
// digits: a phone without its area code) is not, unless its key says it is a date or an amount — and
// even an amount is not at 10+ digits, where CPFs and phones with area codes live.
function maskNumber(value: number, shown: Shown | undefined, task: Task): number | string {
  const digits = Number.isFinite(value) ? String(Math.trunc(Math.abs(value))).length : 0;
  if (shown === 'date') return value;
  if (shown ? digits < 10 : !task.inPersonal && digits < 8) return value;
  const text = String(value);
  switch (kindOf(task.path)) {
    case 'phone':
      return maskPhone(text);
    case 'document':
      return maskDocument(text);
    default:
      return maskText(text);
  }
}

/** Keys are shown unless they look like personal data themselves (an e-mail used as a key). */
function maskKey(key: string): string {
  const short = key.length > MAX_KEY_CHARS ? `${dropLoneHigh(key.slice(0, MAX_KEY_CHARS))}…` : key;
  const shape = shapeOf(short);
  return shape && shape !== 'hub_id' ? maskByShape(short, shape) : scrubText(short);
}

/** Two keys can mask alike ("j***@g***.com"): the later ones get " #2", " #3", … (`taken` remembers the last n). */
function uniqueKey(out: Record<string, unknown>, key: string, taken: Map<string, number>): string {
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(out, k);
  if (!has(key)) return key;
  let n = taken.get(key) ?? 1;
  let candidate: string;
  do candidate = `${key} #${++n}`;
  while (has(candidate));
  taken.set(key, n);
  return candidate;
}

function put(target: Record<string, unknown> | unknown[], slot: string | number, value: unknown): void {
  if (Array.isArray(target)) target[slot as number] = value;
  else Object.defineProperty(target, slot, { value, enumerable: true, writable: true, configurable: true });
}

function truncate(value: string): string {
  return value.length > MAX_SHOWN_CHARS ? `${dropLoneHigh(value.slice(0, MAX_SHOWN_CHARS))}… (${value.length} chars)` : value;
}

function dropLoneHigh(value: string): string {
  const last = value.charCodeAt(value.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? value.slice(0, -1) : value;
}
