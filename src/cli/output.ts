// What the CLI prints, in the operator's language (HUB_LOCALE, else LANG), and how it fails: one line
// `hub: <what is wrong>` on stderr (plus the fields at fault) and a non-zero exit.
import { cliLocale, say, translate, type Message, type MessageKey, type MessageParams } from '../i18n/index.ts';
import type { Failure, Outcome } from '../operations/outcome.ts';

export const locale = cliLocale(process.env);

export function t(key: MessageKey, params?: MessageParams): string {
  return translate(locale, key, params);
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A failure the operator can act on: exit 1 (config errors exit 2, see load-config.ts). */
export class CliFailure extends Error {
  constructor(
    readonly said: string,
    readonly exitCode = 1,
  ) {
    super(said);
    this.name = 'CliFailure';
  }
}

export function failureText(failure: Failure): string {
  const fields = failure.errors?.map((e) => `  ${e.path || '(input)'}: ${e.message}`) ?? [];
  return [say(locale, failure.message), ...fields].join('\n');
}

/** The operation's value, or a CliFailure with its message in the operator's language. */
export function valueOrFail<T>(outcome: Outcome<unknown>): T {
  if (outcome.ok) return outcome.value as T;
  throw new CliFailure(failureText(outcome.failure));
}

export function failWith(message: Message): never {
  throw new CliFailure(say(locale, message));
}
