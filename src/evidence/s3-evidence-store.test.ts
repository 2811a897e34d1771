// Guards raw evidence in S3 with the real AWS SDK against s3rver: exact bytes back, one prefix per tenant,
// server-side encryption asked for on every object, headers too large for metadata kept beside the body.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../test/support/emulators.ts';
import { parseConfig } from '../config.ts';
import { describeEvidenceContract } from './evidence-contract.ts';
import { createS3EvidenceStore } from './s3-evidence-store.ts';

const BUCKET = 'hub-evidence-test';
let emulator: S3Emulator;
let client: S3Client;

beforeAll(async () => {
  emulator = await startS3Emulator({ buckets: [BUCKET] });
  client = emulator.client();
});
afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

describeEvidenceContract('s3 (s3rver)', () => createS3EvidenceStore({ client, bucket: BUCKET, prefix: 'contract/' }), { keepsEvidence: true });

describe('s3 evidence store', () => {
  it('writes tenants/<tenantId>/events/<eventId> under the prefix, asking for SSE-S3 on every object', async () => {
    const sse: Array<string | undefined> = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers && (args.input as { Key?: string }).Key) sse.push(request.headers['x-amz-server-side-encryption']);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordSse' },
    );
    try {
      const store = createS3EvidenceStore({ client, bucket: BUCKET, prefix: 'layout/' });
      const ref = await store.put({ tenantId: 'ten_x', eventId: 'evt_1', body: Buffer.from('{}'), headers: { a: 'b' } });
      expect(ref).toBe(`s3://${BUCKET}/layout/tenants/ten_x/events/evt_1`);
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'layout/tenants/ten_x/' }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual(['layout/tenants/ten_x/events/evt_1']);
      expect(sse).toContain('AES256');
      expect(sse.filter((v) => v !== 'AES256')).toEqual([]);
    } finally {
      client.middlewareStack.remove('recordSse');
    }
  });

  it('keeps headers too large for object metadata in an object beside the body', async () => {
    const store = createS3EvidenceStore({ client, bucket: BUCKET, prefix: '' });
    const headers = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x-header-${i}`, 'v'.repeat(100)]));
    const ref = await store.put({ tenantId: 'ten_x', eventId: 'evt_big', body: Buffer.from('body'), headers });
    const got = await store.get(ref!);
    expect(got?.headers).toEqual(headers);
    expect(got?.body.toString()).toBe('body');
  });

  it('refuses ids that could step outside the tenant prefix, and a reference outside its own prefix', async () => {
    const store = createS3EvidenceStore({ client, bucket: BUCKET, prefix: 'p/' });
    await expect(store.put({ tenantId: 'ten_x/../ten_y', eventId: 'evt_1', body: Buffer.from(''), headers: {} })).rejects.toThrow('hub ids');
    const other = createS3EvidenceStore({ client, bucket: BUCKET, prefix: 'q/' });
    const ref = await other.put({ tenantId: 'ten_x', eventId: 'evt_1', body: Buffer.from('q'), headers: {} });
    expect(await store.get(ref!)).toBeNull();
  });

  it('fails readiness when the bucket is missing', async () => {
    await expect(createS3EvidenceStore({ client, bucket: 'no-such-bucket', prefix: '' }).ping()).rejects.toThrow();
  });

  it('needs a bucket in the configuration when HUB_EVIDENCE=s3, and normalizes the prefix', () => {
    const missing = parseConfig({ HUB_EVIDENCE: 's3' });
    expect(missing.ok ? null : missing.errors[0]).toEqual({ variable: 'HUB_S3_BUCKET', message: 'required when HUB_EVIDENCE=s3' });
    const ok = parseConfig({ HUB_EVIDENCE: 's3', HUB_S3_BUCKET: 'b-1', HUB_S3_PREFIX: '/hub' });
    expect(ok.ok && [ok.config.s3Bucket, ok.config.s3Prefix, ok.config.s3ForcePathStyle]).toEqual(['b-1', 'hub/', false]);
  });
});
