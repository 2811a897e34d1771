// Parses the environment once; a bad value stops the process with one line per variable, exit 2.
import { parseConfig, type Config } from '../config.ts';

export const EXIT_CONFIG = 2;

export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  const result = parseConfig(env);
  if (result.ok) return result.config;
  for (const e of result.errors) process.stderr.write(`hub: invalid configuration: ${e.variable}: ${e.message}\n`);
  process.exit(EXIT_CONFIG);
}
