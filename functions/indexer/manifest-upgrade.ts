import type { S3Client } from "@aws-sdk/client-s3";
import { combineTotals, emptyTotals, totalsOf } from "../../shared/schema/index-totals.js";
import {
  MANIFEST_SCHEMA_VERSION,
  manifestFromV1,
  ManifestSchemaError,
  type Manifest,
  type ManifestV1,
  type ShardEntry,
} from "../../shared/schema/manifest.js";
import { shardTotals } from "../../shared/schema/shard-totals.js";
import { shardKey } from "../../shared/storage/s3-layout.js";
import { isConditionLost } from "../../shared/storage/s3-objects.js";
import type { Deadline } from "./deadline.js";
import { readShard } from "../../shared/index/record-shard.js";
import { readShardTotals, writeShardTotals } from "./shard-totals-store.js";

/**
 * The v2 manifest that replaces a v1 one (written by the caller with If-Match on v1's ETag). Every shard's totals
 * are kept in index/shard-totals/ first, each written only if absent, so the totals are the sum of what is kept
 * whichever attempt commits, and an attempt cut short by its deadline resumes where it stopped. A one-time cost of
 * reading each shard once.
 */
export async function upgradedManifest(options: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly v1: ManifestV1;
  readonly now: Date;
  readonly deadline: Deadline;
}): Promise<Manifest> {
  const { s3, bucket, v1, deadline } = options;
  const revision = manifestFromV1(v1).revision + 1;
  let totals = emptyTotals();
  let last: ShardEntry | undefined;
  for (const [n, { key }] of v1.shards.entries()) {
    if (key !== shardKey(n)) {
      throw new ManifestSchemaError(
        `the v1 manifest lists ${key} as shard ${n}, where ${shardKey(n)} was expected; it cannot be upgraded: ` +
          `restore the manifest from the bucket's previous version`,
      );
    }
    deadline.check(`upgrading the manifest to v${MANIFEST_SCHEMA_VERSION} at ${key}`);
    const kept = await keptShardTotals(s3, bucket, key);
    totals = combineTotals(totals, kept.totals);
    last = { key, revision: kept.revision, changedAt: revision, totals: kept.totals };
  }
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    updatedAt: options.now.toISOString(),
    revision,
    shardCount: v1.shards.length,
    totals,
    recent: last ? [last] : [],
    unrendered: null,
  };
}

/** The shard's kept totals, first computed from the shard and written if there are none. */
async function keptShardTotals(s3: S3Client, bucket: string, key: string) {
  for (;;) {
    const kept = await readShardTotals(s3, bucket, key);
    if (kept) return kept;
    const shard = await readShard(s3, bucket, key);
    const body = shardTotals(key, shard?.revision ?? 0, totalsOf(shard?.records ?? []));
    try {
      await writeShardTotals(s3, bucket, body, { ifAbsent: true });
      return body;
    } catch (error) {
      if (!isConditionLost(error)) throw error;
    }
  }
}
