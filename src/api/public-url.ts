import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

/** The hub's public base URL: HUB_PUBLIC_URL, or what the request itself was addressed to. */
export function publicBaseUrl(config: Config, request: FastifyRequest): string {
  if (config.publicUrl) return config.publicUrl;
  return `${request.protocol}://${request.host}`;
}
