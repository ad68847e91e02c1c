import type { S3Client } from "@aws-sdk/client-s3";
import type { ShardEntry } from "../../shared/schema/manifest.js";
import { parseShardTotals, shardTotals, type ShardTotals } from "../../shared/schema/shard-totals.js";
import { shardNumber, shardTotalsKey } from "../../shared/storage/s3-layout.js";
import { getJson, isConditionLost, putObject, type WriteCondition } from "../../shared/storage/s3-objects.js";
import type { Deadline } from "./deadline.js";

/** The totals kept for a shard that the manifest does not list, or undefined if none were ever kept. */
export async function readShardTotals(
  s3: S3Client,
  bucket: string,
  shardKey: string,
): Promise<(ShardTotals & { etag: string }) | undefined> {
  const key = shardTotalsKey(shardNumber(shardKey));
  const stored = await getJson(s3, bucket, key);
  if (!stored) return undefined;
  return { ...parseShardTotals(stored.value, `s3://${bucket}/${key}`), etag: stored.etag };
}

/**
 * Makes index/shard-totals/ hold `entry`'s totals unless it already holds a later (or the same) revision of the
 * shard: conditional on the object read, so two indexers dropping the same shard never move it backwards.
 */
export async function keepShardTotals(
  s3: S3Client,
  bucket: string,
  entry: ShardEntry,
  deadline: Deadline,
): Promise<void> {
  for (let race = 0; ; race++) {
    const stored = await readShardTotals(s3, bucket, entry.key);
    if (stored && stored.revision >= entry.revision) return;
    try {
      await writeShardTotals(
        s3,
        bucket,
        shardTotals(entry.key, entry.revision, entry.totals),
        stored ? { ifMatch: stored.etag } : { ifAbsent: true },
      );
      return;
    } catch (error) {
      if (!isConditionLost(error)) throw error;
      await deadline.backoff(race, `writing ${shardTotalsKey(shardNumber(entry.key))}`);
    }
  }
}

/** Writes a shard's kept totals under `condition`; a lost condition rethrows the S3 error. */
export function writeShardTotals(
  s3: S3Client,
  bucket: string,
  totals: ShardTotals,
  condition: WriteCondition,
): Promise<string> {
  return putObject(
    s3,
    {
      Bucket: bucket,
      Key: shardTotalsKey(shardNumber(totals.key)),
      Body: JSON.stringify(totals),
      ContentType: "application/json",
    },
    condition,
  );
}
