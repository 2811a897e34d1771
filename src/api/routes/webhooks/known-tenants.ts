// Which tenant ids exist, answered from memory: every id is read at once, at most every `ttlMs`, and a
// miss re-reads at most every `missRefreshMs` — so however many random tenant ids a flood sends, telling
// them apart from real tenants costs one query per few seconds, not one per request. A tenant created
// a moment ago is found within `missRefreshMs`. A failed read keeps the ids known before.
export interface KnownTenants {
  has(tenantId: string): Promise<boolean>;
}

export function createKnownTenants(
  read: () => Promise<string[]>,
  options: { ttlMs?: number; missRefreshMs?: number; now?: () => number } = {},
): KnownTenants {
  const ttl = options.ttlMs ?? 60_000;
  const missRefresh = options.missRefreshMs ?? 5_000;
  const now = options.now ?? Date.now;
  let ids = new Set<string>();
  let at = -Infinity;
  let pending: Promise<void> | undefined;

  const load = () =>
    (pending ??= read()
      .then(
        (list) => {
          ids = new Set(list);
        },
        () => undefined,
      )
      .finally(() => {
        at = now();
        pending = undefined;
      }));

  return {
    async has(tenantId) {
      const age = now() - at;
      if (age < ttl && ids.has(tenantId)) return true;
      if (age < missRefresh && pending === undefined) return false;
      await load();
      return ids.has(tenantId);
    },
  };
}
