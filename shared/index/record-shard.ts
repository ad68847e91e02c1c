import type { S3Client } from "@aws-sdk/client-s3";
import { IndexRecordSchema, type IndexRecord } from "../schema/index-record.js";
import { getObject, headObject, putObject, type WriteCondition } from "../storage/s3-objects.js";

/** A record shard as read: its records, the ETag a conditional write names, and its revision. */
export interface StoredShard {
  readonly records: IndexRecord[];
  readonly etag: string;
  /** Bumped on every write of the shard (kept in the object's metadata). */
  readonly revision: number;
}

/** Reads a shard (index/records/part-NNNNN.jsonl), each line validated, or undefined if there is none yet. */
export async function readShard(s3: S3Client, bucket: string, key: string): Promise<StoredShard | undefined> {
  const stored = await getObject(s3, bucket, key);
  if (!stored) return undefined;
  const records = new TextDecoder()
    .decode(stored.body)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      const parsed = IndexRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) return parsed.data;
      throw new Error(
        `line ${i + 1} of s3://${bucket}/${key} is not an index record (${parsed.error.issues[0]?.path.join(".")}: ` +
          `${parsed.error.issues[0]?.message}); restore the shard's previous version (the bucket keeps versions)`,
      );
    });
  return { records, etag: stored.etag, revision: revisionOf(stored.metadata) };
}

/** A shard's revision without reading it, or undefined if there is no such shard. */
export async function shardRevision(s3: S3Client, bucket: string, key: string): Promise<number | undefined> {
  const head = await headObject(s3, bucket, key);
  return head ? revisionOf(head.metadata) : undefined;
}

/** Writes a shard's records as JSON Lines with its revision; a lost condition rethrows the S3 error. */
export function writeShard(
  s3: S3Client,
  bucket: string,
  key: string,
  records: readonly IndexRecord[],
  revision: number,
  condition: WriteCondition,
): Promise<string> {
  return putObject(
    s3,
    {
      Bucket: bucket,
      Key: key,
      Body: records.map((record) => JSON.stringify(record)).join("\n") + "\n",
      ContentType: "application/x-ndjson",
      Metadata: { revision: String(revision) },
    },
    condition,
  );
}

function revisionOf(metadata: Record<string, string>): number {
  return Number(metadata.revision ?? "0");
}
