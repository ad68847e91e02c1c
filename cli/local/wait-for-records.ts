import type { S3Client } from "@aws-sdk/client-s3";
import { IndexReader } from "../../shared/index/index-reader.js";
import type { IndexRecord } from "../../shared/schema/index-record.js";

/** Every record in the index, newest shard last. */
export async function readAllRecords(s3: S3Client, bucket: string): Promise<IndexRecord[]> {
  const store = new IndexReader(s3, bucket);
  const { manifest } = await store.readManifest();
  return await store.readRecords(manifest);
}

/**
 * Waits until the index has a record for every key (with the given ETag, when one is given), reporting progress,
 * and returns those records in the order of `keys`.
 */
export async function waitForRecords(options: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keys: ReadonlyMap<string, string | undefined>;
  readonly timeoutMs: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly pollMs?: number;
}): Promise<IndexRecord[]> {
  const deadline = Date.now() + options.timeoutMs;
  let lastDone = -1;
  for (;;) {
    const records = await readAllRecords(options.s3, options.bucket);
    const byKey = new Map(records.map((record) => [record.key, record]));
    const ready = [...options.keys].filter(([key, etag]) => {
      const record = byKey.get(key);
      return record !== undefined && (etag === undefined || record.etag === etag);
    });
    if (ready.length !== lastDone) options.onProgress?.(ready.length, options.keys.size);
    lastDone = ready.length;
    if (ready.length === options.keys.size)
      return [...options.keys.keys()].map((key) => byKey.get(key) as IndexRecord);
    if (Date.now() > deadline) {
      const missing = [...options.keys.keys()].filter((key) => !ready.some(([done]) => done === key));
      throw new Error(
        `after ${options.timeoutMs / 1000} s the index still lacks ${missing.length} images: ${missing.slice(0, 5).join(", ")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}
