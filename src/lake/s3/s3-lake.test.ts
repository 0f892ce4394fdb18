import assert from 'node:assert/strict';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import S3rver from 's3rver';
import { lakeContract } from '../lake-contract.ts';
import { applyLifecycle } from '../lifecycle.ts';
import { s3Lake } from './s3-lake.ts';

// A real S3 protocol server on loopback.
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-')) });
let endpoint = '';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

before(async () => {
  const { port } = (await server.run()) as { port: number };
  endpoint = `http://127.0.0.1:${port}`;
});
after(() => server.close());

describe('s3 lake storage classes', () => {
  it('moves an object to another storage class, in place', async () => {
    const lake = await bucketLake();
    await lake.put('raw/p/dt=2020-01-01/r/a.json', '{}');
    await lake.setStorageClass!('raw/p/dt=2020-01-01/r/a.json', 'STANDARD_IA');
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
    const head = await client.send(new HeadObjectCommand({ Bucket: lake.location.split('/')[2], Key: 'team/sluice/raw/p/dt=2020-01-01/r/a.json' }));
    assert.equal(head.StorageClass, 'STANDARD_IA');
  });

  it('leaves an object already in its class alone when the lifecycle runs again', async () => {
    const lake = await bucketLake();
    await lake.put('raw/p/dt=2020-01-01/r/a.json', '{}');
    const rules = [{ zone: 'raw', olderThanDays: 30, action: { storageClass: 'STANDARD_IA' } }] as const;
    assert.deepEqual((await applyLifecycle(lake, rules)).map((a) => a.action), ['storage class STANDARD_IA']);
    assert.deepEqual(await applyLifecycle(lake, rules), []);
  });
});

lakeContract('s3 (s3rver)', bucketLake);

async function bucketLake() {
  const bucket = `lake-${randomBytes(4).toString('hex')}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return s3Lake({ bucket, prefix: 'team/sluice', endpoint, credentials });
}
