// Graph API error bodies as Meta sends them (Graph error-handling guide):
// {"error": {"message", "type", "code", "error_subcode"?, "error_user_title"?, "error_user_msg"?,
//  "is_transient", "fbtrace_id"}}, with the same trace id in the x-fb-trace-id header.
import { randomBytes } from 'node:crypto';

export interface SandboxError {
  status: number;
  code: number;
  subcode?: number;
  type?: string;
  message: string;
  userTitle?: string;
  userMessage?: string;
  isTransient?: boolean;
}

/** An 11-character id shaped like Meta's fbtrace_id ("AbCdEf12345"). */
export function newTraceId(): string {
  return randomBytes(8).toString('base64url').slice(0, 11);
}

export function metaErrorBody(error: SandboxError, fbtraceId: string): { error: Record<string, unknown> } {
  return {
    error: {
      message: error.message,
      type: error.type ?? 'OAuthException',
      code: error.code,
      ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
      is_transient: error.isTransient ?? false,
      ...(error.userTitle ? { error_user_title: error.userTitle } : {}),
      ...(error.userMessage ? { error_user_msg: error.userMessage } : {}),
      fbtrace_id: fbtraceId,
    },
  };
}

/** Code 100 "Invalid parameter", the answer to any bad event; it rejects the whole batch. */
export function invalidParameter(userMessage: string, subcode?: number, userTitle = 'Invalid parameter'): SandboxError {
  return {
    status: 400,
    code: 100,
    ...(subcode !== undefined ? { subcode } : {}),
    message: '(#100) Invalid parameter',
    userTitle,
    userMessage,
  };
}
