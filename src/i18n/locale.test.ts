// Guards which language a seller gets: Accept-Language with q-values, POSIX LANG values, fallbacks,
// and hostile headers.
import { describe, expect, it } from 'vitest';
import { cliLocale, localeFromAcceptLanguage, translate } from './index.ts';
import { en } from './messages/en.ts';
import { ptBR } from './messages/pt-BR.ts';

describe('locale choice', () => {
  it.each([
    ['pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7', 'pt-BR'],
    ['en-US,en;q=0.9', 'en'],
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['fr-FR, en;q=0.5', 'en'],
    ['en;q=0.2, pt-BR;q=0.8', 'pt-BR'],
    ['de, fr', 'en'],
    ['pt-BR;q=0', 'en'],
    ['*', 'en'],
    ['', 'en'],
    [';;;,,,q=1', 'en'],
    ['x'.repeat(10_000), 'en'],
  ])('%s → %s (fallback en)', (header, expected) => {
    expect(localeFromAcceptLanguage(header, 'en')).toBe(expected);
  });

  it('uses the fallback when nothing matches', () => {
    expect(localeFromAcceptLanguage('de', 'pt-BR')).toBe('pt-BR');
    expect(localeFromAcceptLanguage(undefined, 'pt-BR')).toBe('pt-BR');
  });

  it('reads the CLI language from HUB_LOCALE, then the shell', () => {
    expect(cliLocale({ LANG: 'pt_BR.UTF-8' })).toBe('pt-BR');
    expect(cliLocale({ HUB_LOCALE: 'en', LANG: 'pt_BR.UTF-8' })).toBe('en');
    expect(cliLocale({ LC_ALL: 'en_US.UTF-8', LANG: 'pt_BR.UTF-8' })).toBe('en');
    expect(cliLocale({ LANG: 'C.UTF-8' })).toBe('en');
    expect(cliLocale({})).toBe('en');
  });
});

describe('catalogs', () => {
  const leaves = (o: object, prefix = ''): Array<[string, string]> =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v as object, `${prefix}${k}.`)));

  it('has every message in both languages, with the same placeholders, none empty', () => {
    const pt = new Map(leaves(ptBR));
    for (const [key, text] of leaves(en)) {
      if (key.endsWith('.placeholder')) continue;
      expect(text, key).not.toBe('');
      expect(pt.get(key), key).toBeTruthy();
      const vars = (s: string) => [...s.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
      expect(vars(pt.get(key)!), key).toEqual(vars(text));
    }
  });

  it('interpolates without HTML escaping (messages go to JSON and terminals)', () => {
    expect(translate('en', 'problem.originRefused', { origin: 'https://a.com/<x>&' })).toContain('https://a.com/<x>&');
    expect(translate('pt-BR', 'problem.rateLimited', { seconds: 3 })).toBe('Requisições demais; tente de novo em 3 s.');
  });
});
