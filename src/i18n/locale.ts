// The two languages the hub speaks to sellers. pt-BR is the sellers' language; en is the operators'.
export const LOCALES = ['pt-BR', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Picks the best supported locale from an Accept-Language header (RFC 9110 §12.5.4), else the fallback. */
export function localeFromAcceptLanguage(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const found = matchLocale(tag);
    if (found) return found;
  }
  return fallback;
}

/** A POSIX locale (LANG=pt_BR.UTF-8) or a language tag (pt-BR, en-US, pt) → a supported locale. */
export function matchLocale(value: string | undefined): Locale | undefined {
  if (!value) return undefined;
  const tag = value.toLowerCase().replace('_', '-').split(/[.@]/)[0] ?? '';
  if (tag === 'pt' || tag.startsWith('pt-')) return 'pt-BR';
  if (tag === 'en' || tag.startsWith('en-')) return 'en';
  return undefined;
}

/** The CLI's language: HUB_LOCALE, else the shell's LC_ALL / LC_MESSAGES / LANG, else English. */
export function cliLocale(env: Record<string, string | undefined>): Locale {
  for (const name of ['HUB_LOCALE', 'LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const found = matchLocale(env[name]);
    if (found) return found;
  }
  return 'en';
}
