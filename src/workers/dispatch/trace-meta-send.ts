// The `meta.send` span (CLIENT) around one request to Meta. A request carries the events of many jobs,
// each with its own trace: the span is the child of the first job's span (so a one-event request sits
// inside its job's trace) and links to every job it carried. Nothing is done when tracing is off.
import type { SendResult } from '../../domain/meta/index.ts';
import { failSpan, runInSpan, SpanKind, startSpan, tracingEnabled, type Context } from '../../lib/tracing.ts';

export async function traceMetaSend(
  /** The span contexts of the jobs whose events the request carries (read only when tracing is on). */
  jobContexts: () => Array<Context | undefined>,
  attributes: { pixelId: string; events: number },
  send: () => Promise<SendResult>,
): Promise<SendResult> {
  if (!tracingEnabled()) return send();
  const carried = jobContexts().filter((c) => c !== undefined);
  const span = carried.length
    ? startSpan('meta.send', {
        kind: SpanKind.CLIENT,
        parent: carried[0],
        links: carried,
        attributes: { 'hub.meta.pixel_id': attributes.pixelId, 'hub.meta.events': attributes.events },
      })
    : undefined;
  if (!span) return send();
  try {
    const result = await runInSpan(span, send);
    span.setAttributes({
      'hub.meta.outcome': result.outcome.kind,
      ...(result.httpStatus !== null ? { 'http.response.status_code': result.httpStatus } : {}),
      ...(result.errorCode !== null ? { 'hub.meta.error_code': result.errorCode } : {}),
      ...(result.fbtraceId ? { 'hub.meta.fbtrace_id': result.fbtraceId } : {}),
    });
    if (result.outcome.kind !== 'ok') failSpan(span, `Meta answered ${result.outcome.kind}${result.errorCode !== null ? ` (code ${result.errorCode})` : ''}`);
    return result;
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}
