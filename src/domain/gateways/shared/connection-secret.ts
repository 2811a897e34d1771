// The connection bodies gateways share: one secret string, or a signing secret that may be a list while
// a rolled secret overlaps (Stripe signs with every secret it has during a roll; an Eduzz seller
// moving a webhook to a new key has both for a moment). Descriptions and examples are each gateway's.
import { z } from 'zod';
import type { GatewayConnection } from '../types.ts';

/** Secrets are trimmed; 2,048 characters is far above any gateway's. */
const secretString = z.string().trim().min(1).max(2048);

interface FieldDocs {
  description: string;
  example: string;
}

/** `{ <field>: "…" }`, sealed as `{ <field>: "…" }`. */
export function singleSecretConnection<F extends string>(
  field: F,
  docs: FieldDocs & { title: string },
): GatewayConnection<{ [K in F]: string }, { [K in F]: string }> {
  const body = z
    .object({ [field]: secretString.describe(docs.description).meta({ example: docs.example }) } as { [K in F]: typeof secretString })
    .describe(docs.title);
  return {
    body: body as unknown as z.ZodType<{ [K in F]: string }>,
    example: { [field]: docs.example } as { [K in F]: string },
    secretOf: (input) => ({ secret: { [field]: input[field] } as { [K in F]: string }, hintOf: input[field] }),
  };
}

export type RotatingSecrets = { webhookSecrets: string[] };
type RotatingSecretBody = { webhookSecret: string | string[] };

/** `{ webhookSecret: "…" | ["…", …≤5] }`, sealed as `{ webhookSecrets: [...] }`; the hint is the newest. */
export function rotatingSecretConnection(docs: FieldDocs & { title: string }): GatewayConnection<RotatingSecrets, RotatingSecretBody> {
  return {
    body: z
      .object({
        webhookSecret: z
          .union([secretString, z.array(secretString).min(1).max(5)])
          .describe(docs.description)
          .meta({ example: docs.example }),
      })
      .describe(docs.title),
    example: { webhookSecret: docs.example },
    secretOf(input) {
      const webhookSecrets = ([] as string[]).concat(input.webhookSecret);
      return { secret: { webhookSecrets }, hintOf: webhookSecrets.at(-1) ?? '' };
    },
  };
}
