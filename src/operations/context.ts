// What an operation may use. The API passes its deps; the CLI passes a runtime it opened itself (only
// when no server runs) or, through the admin channel, the server's own.
import type { Config } from '../config.ts';
import type { Store } from '../store/connect.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { Queue } from '../queue/queue.ts';
import type { Logger } from '../lib/logger.ts';

export interface OperationContext {
  config: Config;
  store: Store;
  box: SecretBox;
  queue: Queue;
  logger?: Logger;
  clock?: () => Date;
  /** Outbound HTTP (Meta's Graph API); tests and the sandbox pass their own. */
  fetch?: typeof fetch;
}

export const nowOf = (ctx: Pick<OperationContext, 'clock'>): Date => (ctx.clock ? ctx.clock() : new Date());
