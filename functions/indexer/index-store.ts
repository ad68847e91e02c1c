import type { S3Client } from "@aws-sdk/client-s3";
import { IndexRecordSchema, type IndexRecord } from "../../shared/schema/index-record.js";
import {
  countRecords,
  emptyManifest,
  ManifestSchema,
  sumCounts,
  type Counts,
  type Manifest,
} from "../../shared/schema/manifest.js";
import { keyMarkerFor, MANIFEST_KEY, shardKey } from "../../shared/storage/s3-layout.js";
import {
  getJson,
  getObject,
  isConditionLost,
  putObject,
  type WriteCondition,
} from "../../shared/storage/s3-objects.js";

/** A shard takes new images until it holds this many; each write of it stays this small, however large the index. */
export const SHARD_CAPACITY = 128;
const MAX_RACES = 50;

/**
 * Keeps index/ up to date, safely under concurrency with S3 conditional writes and idempotently:
 * 1. each image key is pinned to one shard by a marker created with If-None-Match;
 * 2. its record replaces any earlier line for the key in that shard (If-Match on the shard);
 * 3. the manifest takes the shard's counts, recomputed from the shard itself, with the shard's revision
 *    (If-Match on the manifest); an older revision never overwrites a newer one, and totals are the sum over
 *    shards, so a repeated or interrupted update converges instead of counting twice.
 */
export class IndexStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds or replaces the records of a batch of images. */
  async put(records: readonly IndexRecord[]): Promise<void> {
    const byShard = new Map<string, IndexRecord[]>();
    let manifest: Manifest | undefined;
    for (const record of records) {
      const shard = await this.shardOf(
        record.key,
        async () => (manifest ??= (await this.readManifest()).manifest),
      );
      byShard.set(shard, [...(byShard.get(shard) ?? []), record]);
    }
    for (const [shard, shardRecords] of byShard) {
      const { revision, counts } = await this.upsert(shard, shardRecords);
      await this.updateManifest(shard, revision, counts);
    }
  }

  /** The manifest, or an empty one before the first record. */
  async readManifest(): Promise<{ manifest: Manifest; etag?: string }> {
    const stored = await getJson(this.s3, this.bucket, MANIFEST_KEY);
    if (!stored) return { manifest: emptyManifest(this.now()) };
    return { manifest: ManifestSchema.parse(stored.value), etag: stored.etag };
  }

  /** Every record in the shards `manifest` lists, newest shard last. */
  async readRecords(manifest: Manifest): Promise<IndexRecord[]> {
    return (await Promise.all(manifest.shards.map((shard) => this.readShard(shard.key)))).flat();
  }

  /** Every record of one shard. */
  async readShard(key: string): Promise<IndexRecord[]> {
    return (await this.readShardObject(key))?.records ?? [];
  }

  private async shardOf(key: string, manifest: () => Promise<Manifest>): Promise<string> {
    const markerKey = keyMarkerFor(key);
    for (let race = 0; race < MAX_RACES; race++) {
      const marker = await getJson(this.s3, this.bucket, markerKey);
      if (marker) return (marker.value as { shard: string }).shard;
      const shard = openShard(await manifest());
      try {
        await this.put_(markerKey, JSON.stringify({ key, shard }), { ifAbsent: true });
        return shard;
      } catch (error) {
        if (!isConditionLost(error)) throw error;
      }
    }
    throw new Error(`gave up pinning ${key} to a shard after ${MAX_RACES} races`);
  }

  private async upsert(
    shard: string,
    records: readonly IndexRecord[],
  ): Promise<{ revision: number; counts: Counts }> {
    for (let race = 0; race < MAX_RACES; race++) {
      const stored = await this.readShardObject(shard);
      const byKey = new Map((stored?.records ?? []).map((record) => [record.key, record]));
      const changed = records.filter((record) => !sameResult(byKey.get(record.key), record));
      for (const record of changed) byKey.set(record.key, record);
      const all = [...byKey.values()];
      if (stored && changed.length === 0) return { revision: stored.revision, counts: countRecords(all) };
      const revision = (stored?.revision ?? 0) + 1;
      const body = all.map((record) => JSON.stringify(record)).join("\n") + "\n";
      try {
        await this.put_(shard, body, stored ? { ifMatch: stored.etag } : { ifAbsent: true }, {
          revision: String(revision),
        });
        return { revision, counts: countRecords(all) };
      } catch (error) {
        if (!isConditionLost(error)) throw error;
        await backoff(race);
      }
    }
    throw new Error(`gave up writing ${shard} after ${MAX_RACES} races`);
  }

  private async updateManifest(shard: string, revision: number, counts: Counts): Promise<void> {
    for (let race = 0; race < MAX_RACES; race++) {
      const { manifest, etag } = await this.readManifest();
      const entry = manifest.shards.find((candidate) => candidate.key === shard);
      if (entry && entry.revision >= revision) return;
      const shards = [
        ...manifest.shards.filter((candidate) => candidate.key !== shard),
        { key: shard, revision, counts },
      ];
      shards.sort((a, b) => a.key.localeCompare(b.key));
      const next: Manifest = {
        ...manifest,
        updatedAt: this.now().toISOString(),
        totals: sumCounts(shards.map((candidate) => candidate.counts)),
        shards,
      };
      try {
        await this.put_(
          MANIFEST_KEY,
          JSON.stringify(ManifestSchema.parse(next), null, 1),
          etag ? { ifMatch: etag } : { ifAbsent: true },
        );
        return;
      } catch (error) {
        if (!isConditionLost(error)) throw error;
        await backoff(race);
      }
    }
    throw new Error(`gave up updating the manifest after ${MAX_RACES} races`);
  }

  private async readShardObject(key: string) {
    const stored = await getObject(this.s3, this.bucket, key);
    if (!stored) return undefined;
    const records = new TextDecoder()
      .decode(stored.body)
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => IndexRecordSchema.parse(JSON.parse(line)));
    return { records, etag: stored.etag, revision: Number(stored.metadata.revision ?? "0") };
  }

  private put_(
    key: string,
    body: string,
    condition: WriteCondition,
    metadata?: Record<string, string>,
  ): Promise<string> {
    const contentType = key.endsWith(".jsonl") ? "application/x-ndjson" : "application/json";
    return putObject(
      this.s3,
      { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata },
      condition,
    );
  }
}

/** The shard that takes new images: the last one while it has room, else the next. */
function openShard(manifest: Manifest): string {
  const last = manifest.shards.at(-1);
  if (last && last.counts.records < SHARD_CAPACITY) return last.key;
  return shardKey(manifest.shards.length);
}

function sameResult(a: IndexRecord | undefined, b: IndexRecord): boolean {
  return (
    a !== undefined &&
    a.etag === b.etag &&
    a.modelHash === b.modelHash &&
    a.status === b.status &&
    a.createdAt === b.createdAt
  );
}

function backoff(race: number): Promise<void> {
  const ms = Math.min(1000, 10 * 2 ** Math.min(race, 6)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
