/** The Lake interface: object storage for the raw, rejects, logs and curated zones (a local folder, or S3). */
import type { Readable } from 'node:stream';

/** An object in the lake. */
export interface LakeObject {
  readonly key: string;
  readonly size: number;
  readonly modified: Date;
  /** Its storage class, where the store reports one (S3 listings do). */
  readonly storageClass?: string;
}

/**
 * A lake. Keys are `/`-separated relative paths checked by `checkKey`: no key can reach outside the lake root.
 * `put` is atomic: a reader sees the whole object or none of it, never a part.
 */
export interface Lake {
  /** Where it is, for people: a folder path or `s3://bucket/prefix`. */
  readonly location: string;
  /**
   * How many small objects a load reads ahead of the one it parses: worth it where each read waits (a bucket's GET
   * waits on the network), not for a folder. Undefined: none.
   */
  readonly readAhead?: number;
  put(key: string, body: Readable | string | Uint8Array): Promise<void>;
  get(key: string): Promise<Readable>;
  /** Objects whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<LakeObject>;
  delete(key: string): Promise<void>;
  /** Optional (S3): moves an object to another storage class, e.g. `STANDARD_IA`. False when it was in that class already. */
  setStorageClass?(key: string, storageClass: string): Promise<boolean>;
}
