// Local stand-ins for SQS and S3 that speak the real wire protocols (local-aws-sqs: the AWS JSON 1.0
// protocol of current @aws-sdk/client-sqs; s3rver: S3's REST API), started in-process by the tests on
// 127.0.0.1 with a random port, and the real AWS SDK clients pointed at them.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';

// The SDK signs every request and needs some credentials and a region; local-aws-sqs accepts any.
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

export interface SqsEmulator {
  endpoint: string;
  /** A new client for the emulator; the caller destroys it. */
  client(): SQSClient;
  stop(): Promise<void>;
}

export async function startSqsEmulator(): Promise<SqsEmulator> {
  const server: Server = await createSqsServer({
    port: 0,
    hostname: '127.0.0.1',
    // Real SQS makes a deleted name unusable for 60 s; tests use fresh names instead of waiting.
    emulateQueueCreationLifecycle: false,
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    client: () => new SQSClient({ region, endpoint, credentials }),
    stop: () => closeServer(server),
  };
}

export interface S3Emulator {
  endpoint: string;
  client(): S3Client;
  stop(): Promise<void>;
}

export async function startS3Emulator(options: { buckets: string[] }): Promise<S3Emulator> {
  const directory = mkdtempSync(path.join(tmpdir(), 'hub-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    // s3rver checks signatures against its one fixed key pair; emulators serve buckets by path, not host name.
    client: () => new S3Client({ region, endpoint, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, forcePathStyle: true }),
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
