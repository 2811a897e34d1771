// Translation for everything a seller reads: API error details, CLI output, hints. One i18next
// instance, both catalogs loaded synchronously at import (they are small TypeScript objects).
import i18next, { type TFunction } from 'i18next';
import { en, type Messages } from './messages/en.ts';
import { ptBR } from './messages/pt-BR.ts';
import type { Locale } from './locale.ts';

export { LOCALES, cliLocale, localeFromAcceptLanguage, matchLocale, type Locale } from './locale.ts';

const instance = i18next.createInstance();
void instance.init({
  resources: { en: { translation: en }, 'pt-BR': { translation: ptBR } },
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  showSupportNotice: false,
  // Messages are plain text (JSON bodies, terminals), never HTML.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Dotted paths of every message, e.g. 'problem.unknownKey'. */
type Paths<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Paths<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Paths<Messages>;
export type MessageParams = Record<string, string | number>;

/** A message to be said later, in the reader's language. */
export interface Message {
  key: MessageKey;
  params?: MessageParams;
}

const fixed = new Map<Locale, TFunction>();

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  let t = fixed.get(locale);
  if (!t) {
    t = instance.getFixedT(locale);
    fixed.set(locale, t);
  }
  return t(key, params ?? {}) as string;
}

export function say(locale: Locale, message: Message): string {
  return translate(locale, message.key, message.params);
}
