/** A lake in any S3-compatible bucket (AWS S3, MinIO, R2...), under a key prefix. */
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, type StorageClass } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { checkKey } from '../lake-key.ts';
import type { Lake } from '../lake.ts';

/** Where the bucket is and how to reach it. Credentials default to the AWS chain (environment, profile, role). */
export interface S3LakeOptions {
  readonly bucket: string;
  /** Key prefix inside the bucket, without a trailing slash; may be empty. */
  readonly prefix: string;
  readonly region?: string;
  /** For non-AWS stores: `http://127.0.0.1:9000`. */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** `s3://bucket/some/prefix` as bucket and prefix. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) throw new Error(`${url} is not an s3://bucket/prefix URL`);
  return { bucket: m[1]!, prefix: m[2]!.replace(/\/+$/, '') };
}

/** A lake in a bucket. Objects are written whole (single PUT, or a multipart upload completed at the end). */
export function s3Lake(options: S3LakeOptions): Lake {
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
    credentials: options.credentials,
    // Non-AWS stores reject the checksums newer SDKs add by default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const key = (k: string) => (options.prefix ? `${options.prefix}/${checkKey(k)}` : checkKey(k));
  const strip = (k: string) => (options.prefix ? k.slice(options.prefix.length + 1) : k);
  return {
    location: `s3://${options.bucket}${options.prefix ? `/${options.prefix}` : ''}`,

    async put(k, body) {
      try {
        const upload = new Upload({ client, params: { Bucket: options.bucket, Key: key(k), Body: body }, partSize: 8 * 1024 * 1024, queueSize: 2 });
        await upload.done();
      } catch (error) {
        if (body instanceof Readable) body.on('error', () => {}).destroy();
        throw error;
      }
    },

    async get(k) {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key(k) }));
      if (!(Body instanceof Readable)) throw new Error(`s3 object ${k} has no readable body`);
      return Body;
    },

    async *list(prefix) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({
          Bucket: options.bucket, Prefix: options.prefix ? `${options.prefix}/${prefix}` : prefix, ContinuationToken: token,
        }));
        for (const o of page.Contents ?? []) yield { key: strip(o.Key!), size: o.Size ?? 0, modified: o.LastModified ?? new Date(0), storageClass: o.StorageClass };
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    async delete(k) {
      await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: key(k) }));
    },

    async setStorageClass(k, storageClass) {
      const target = key(k);
      // A copy onto itself with the new class; REPLACE needs the object's own type and metadata passed back.
      const head = await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: target }));
      // HEAD names no class for STANDARD. A copy onto the same class would only cost a request and reset its age.
      if ((head.StorageClass ?? 'STANDARD') === storageClass) return false;
      const source = target.split('/').map((part) => encodeURIComponent(part).replaceAll('%3D', '=')).join('/');
      await client.send(new CopyObjectCommand({
        Bucket: options.bucket, Key: target, CopySource: `${options.bucket}/${source}`, StorageClass: storageClass as StorageClass,
        MetadataDirective: 'REPLACE', ContentType: head.ContentType, Metadata: head.Metadata,
      }));
      return true;
    },
  };
}
