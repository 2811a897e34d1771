// Raw evidence in S3: one object per event at `<prefix>tenants/<tenantId>/events/<eventId>` holding the
// exact bytes received, encrypted server-side (SSE-S3). The headers ride in the object's metadata, or in
// a `.headers.json` object beside it when they exceed what S3 metadata may hold (2 KB).
import {
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Evidence, EvidenceStore } from './evidence-store.ts';

export interface S3EvidenceStoreOptions {
  bucket: string;
  /** '' or a prefix ending in '/'. */
  prefix: string;
  /** Defaults to a client configured by the AWS SDK's standard variables; a given client is not destroyed on close. */
  client?: S3Client;
}

// Hub ids are prefixed and opaque (ten_…, evt_…); anything else could step outside the tenant's prefix.
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const HEADERS_METADATA = 'hub-headers';
const SIDECAR = 'sidecar';
// S3 allows 2 KB of user metadata in all; leave room for the key name and encoding.
const MAX_INLINE_HEADERS = 1800;

export function createS3EvidenceStore(options: S3EvidenceStoreOptions): EvidenceStore {
  const { bucket, prefix } = options;
  const client = options.client ?? new S3Client({});
  const refPrefix = `s3://${bucket}/`;

  function keyFor(tenantId: string, eventId: string): string {
    if (!SAFE_ID.test(tenantId) || !SAFE_ID.test(eventId)) throw new Error('evidence ids must be hub ids (letters, digits, _ and -)');
    return `${prefix}tenants/${tenantId}/events/${eventId}`;
  }

  async function putObject(key: string, body: Buffer, metadata: Record<string, string>, contentType: string): Promise<void> {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata, ServerSideEncryption: 'AES256' }),
    );
  }

  async function getObject(key: string): Promise<{ body: Buffer; metadata: Record<string, string> } | null> {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      return { body: Buffer.from(bytes), metadata: object.Metadata ?? {} };
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    }
  }

  return {
    driver: 's3',

    async put({ tenantId, eventId, body, headers }) {
      const key = keyFor(tenantId, eventId);
      // base64url keeps any header text within the ASCII that S3 metadata allows.
      const encoded = Buffer.from(JSON.stringify(headers)).toString('base64url');
      if (encoded.length <= MAX_INLINE_HEADERS) {
        await putObject(key, body, { [HEADERS_METADATA]: encoded }, 'application/octet-stream');
      } else {
        // The headers first: an object that names a sidecar always has one.
        await putObject(`${key}.headers.json`, Buffer.from(JSON.stringify(headers)), {}, 'application/json');
        await putObject(key, body, { [HEADERS_METADATA]: SIDECAR }, 'application/octet-stream');
      }
      return refPrefix + key;
    },

    async get(ref): Promise<Evidence | null> {
      if (!ref.startsWith(refPrefix)) return null;
      const key = ref.slice(refPrefix.length);
      if (!key.startsWith(`${prefix}tenants/`)) return null;
      const object = await getObject(key);
      if (!object) return null;
      const stored = object.metadata[HEADERS_METADATA];
      let headers: Record<string, string> = {};
      if (stored === SIDECAR) {
        const sidecar = await getObject(`${key}.headers.json`);
        headers = sidecar ? (JSON.parse(sidecar.body.toString('utf8')) as Record<string, string>) : {};
      } else if (stored) {
        headers = JSON.parse(Buffer.from(stored, 'base64url').toString('utf8')) as Record<string, string>;
      }
      return { body: object.body, headers };
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },

    async close() {
      if (!options.client) client.destroy();
    },
  };
}
