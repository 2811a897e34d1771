// The registry of evidence stores: HUB_EVIDENCE picks one.
import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';
import { createDbEvidenceStore } from './db-evidence-store.ts';
import type { EvidenceStore } from './evidence-store.ts';
import { createS3EvidenceStore } from './s3-evidence-store.ts';

export function createEvidenceStore(config: Config): EvidenceStore {
  switch (config.evidence) {
    case 'db':
      return createDbEvidenceStore();
    case 's3': {
      // The config schema requires the bucket with HUB_EVIDENCE=s3; region, credentials and endpoint come from
      // the AWS SDK's standard variables.
      if (!config.s3Bucket) throw new Error('HUB_S3_BUCKET is required with HUB_EVIDENCE=s3');
      const client = new S3Client({ forcePathStyle: config.s3ForcePathStyle });
      const store = createS3EvidenceStore({ client, bucket: config.s3Bucket, prefix: config.s3Prefix });
      return {
        ...store,
        async close() {
          client.destroy();
        },
      };
    }
  }
}
