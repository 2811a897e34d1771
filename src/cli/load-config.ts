// Parses the environment once; a bad value stops the process with one line per variable, exit 2.
import { parseConfig, type Config } from '../config.ts';
import { cliLocale, translate } from '../i18n/index.ts';

export const EXIT_CONFIG = 2;

/**
 * Variables only a listening server reads. A command that talks to the server (or opens the store)
 * never fails on them: `HUB_PORT=abc hub tenant create` works, `hub start` does not.
 */
const SERVER_ONLY = ['HUB_PORT', 'HUB_HOST', 'HUB_METRICS_PORT', 'HUB_SHUTDOWN_TIMEOUT_MS', 'HUB_RATE_LIMIT_PER_MINUTE'];

export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env, scope: 'server' | 'client' = 'server'): Config {
  const source = scope === 'client' ? Object.fromEntries(Object.entries(env).filter(([k]) => !SERVER_ONLY.includes(k))) : env;
  const result = parseConfig(source);
  if (result.ok) return result.config;
  const locale = cliLocale(env);
  for (const e of result.errors) process.stderr.write(`hub: ${translate(locale, 'cli.invalidConfig', { variable: e.variable, message: e.message })}\n`);
  process.exit(EXIT_CONFIG);
}
