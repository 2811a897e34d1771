// Every Eduzz webhook is one envelope: "O formato do json será sempre o seguinte: { id (id do evento),
// event (nome do evento), data (dados do evento), sentDate (data do evento) }" (eduzz/eduzz-webhook-docs
// README.md, "Eventos e payloads"). Only what the hub cannot work without is required; `data` is read
// tolerantly (the activation ping carries almost nothing in it).
import { z } from 'zod';

export const eduzzEnvelopeSchema = z.looseObject({
  id: z.union([z.string().trim().min(1), z.number()]).transform(String),
  event: z.string().trim().min(1),
  sentDate: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export type EduzzEnvelope = z.infer<typeof eduzzEnvelopeSchema>;
