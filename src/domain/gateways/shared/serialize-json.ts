// JSON.stringify without recursion. V8's JSON.parse reads a 256 KiB body nested 100,000 deep, but its
// JSON.stringify overflows the stack near 10,000 levels; a document the hub parsed must be writable
// again whatever its depth. Same output as JSON.stringify for what JSON.parse returns.

/** Called for each object member; its answer is written instead of the member's value. */
export type ReplaceMember = (key: string, value: unknown) => unknown;

type Frame = { array: unknown[]; next: number } | { object: Record<string, unknown>; keys: string[]; next: number };

export function serializeJson(value: unknown, replace: ReplaceMember = (_key, v) => v): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const write = (v: unknown): void => {
    if (Array.isArray(v)) {
      out.push('[');
      stack.push({ array: v, next: 0 });
    } else if (v !== null && typeof v === 'object') {
      out.push('{');
      stack.push({ object: v as Record<string, unknown>, keys: Object.keys(v), next: 0 });
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  };
  write(value);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const index = top.next++;
    if ('array' in top) {
      if (index === top.array.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (index > 0) out.push(',');
      write(top.array[index]);
    } else {
      if (index === top.keys.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      if (index > 0) out.push(',');
      const key = top.keys[index]!;
      out.push(JSON.stringify(key), ':');
      write(replace(key, top.object[key]));
    }
  }
  return out.join('');
}
