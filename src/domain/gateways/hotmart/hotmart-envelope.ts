// The postback 2.0.0 envelope: {id, creation_date, event, version, data}. Only what the hub
// cannot work without is required; everything inside `data` is read tolerantly.
// Source: https://developers.hotmart.com/docs/en/2.0.0/webhook/purchase-webhook/ (envelope fields
// as transcribed in api-evangelist/hotmart asyncapi/hotmart-webhooks.yml "envelope_fields").
import { z } from 'zod';

export const hotmartEnvelopeSchema = z.looseObject({
  id: z.union([z.string().trim().min(1), z.number()]).transform(String),
  event: z.string().trim().min(1),
  version: z.string().optional(),
  // ms since epoch; CLUB_FIRST_ACCESS test sends use camelCase creationDate.
  creation_date: z.number().optional(),
  creationDate: z.number().optional(),
  data: z.record(z.string(), z.unknown()),
});

export type HotmartEnvelope = z.infer<typeof hotmartEnvelopeSchema>;
