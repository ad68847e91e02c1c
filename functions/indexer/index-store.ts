import type { S3Client } from "@aws-sdk/client-s3";
import { IndexReader } from "../../shared/index/index-reader.js";
import { readShard, writeShard } from "../../shared/index/record-shard.js";
import { mapLimit } from "../../shared/map-limit.js";
import { reportStateOf } from "../../shared/report/report-state.js";
import type { IndexRecord } from "../../shared/schema/index-record.js";
import { emptyTotals, totalsOf, type Totals } from "../../shared/schema/index-totals.js";
import { checkedManifest, ManifestSchemaError, type Manifest } from "../../shared/schema/manifest.js";
import { INDEX_TIMEOUT_SECONDS } from "../../shared/storage/queue-settings.js";
import { keyMarkerFor, MANIFEST_KEY, REPORT_KEY, shardKey } from "../../shared/storage/s3-layout.js";
import { getJson, headObject, isConditionLost, putObject } from "../../shared/storage/s3-objects.js";
import { Deadline } from "./deadline.js";
import { upgradedManifest } from "./manifest-upgrade.js";
import { evictionOf, withoutEvicted, withShard, type ShardState } from "./manifest-update.js";
import { keepShardTotals, readShardTotals } from "./shard-totals-store.js";

/** A shard takes new images until it holds this many; each write of it stays this small, however large the index. */
export const SHARD_CAPACITY = 128;
/** Past this many listed shards, the manifest drops those the report has drawn (see evictionOf). */
export const RECENT_SHARDS = 8;
/** The manifest never lists more shards than this, so its size stays bounded whatever happens to the report. */
export const MAX_RECENT_SHARDS = 64;
/** Key markers read or created at once within a batch. */
const PINS_AT_ONCE = 10;

/** The manifest as read for writing, with the ETag that its replacement is conditional on. */
interface ManifestRead {
  readonly manifest: Manifest;
  readonly etag?: string;
}

export interface IndexStoreOptions {
  /** @default the system clock */
  readonly now?: () => Date;
  /**
   * When each operation's conditional-write retries give up (DeadlineExceededError, retryable).
   * @default a fresh deadline per operation, 10 s short of the index function's timeout
   */
  readonly deadline?: Deadline;
  /** @default SHARD_CAPACITY */
  readonly shardCapacity?: number;
  /** @default RECENT_SHARDS */
  readonly recentShards?: number;
  /** @default MAX_RECENT_SHARDS */
  readonly maxRecentShards?: number;
}

/**
 * Keeps index/ up to date, safely under concurrency with S3 conditional writes and idempotently:
 * 1. each image key is pinned to one shard by a marker created with If-None-Match;
 * 2. its record replaces any earlier line for the key in that shard (If-Match on the shard), which bumps the
 *    shard's revision;
 * 3. the manifest (If-Match) takes the shard's new totals in place of what it counted for the shard before: its
 *    entry in `recent`, or for a shard it no longer lists, the totals kept in index/shard-totals/. An older
 *    revision never replaces a newer one, so a repeated or interrupted update converges instead of counting twice.
 * The manifest lists only the shards changed lately (at most MAX_RECENT_SHARDS): before it drops one, that
 * shard's totals are kept in index/shard-totals/. So every write is bounded by the shard and the manifest, whose
 * sizes do not grow with the index. Every retry loop gives up at the deadline.
 */
export class IndexStore extends IndexReader {
  private readonly capacity: number;
  private readonly limits: { readonly soft: number; readonly hard: number };

  constructor(
    s3: S3Client,
    bucket: string,
    private readonly options: IndexStoreOptions = {},
  ) {
    super(s3, bucket, options.now);
    this.capacity = options.shardCapacity ?? SHARD_CAPACITY;
    this.limits = {
      soft: options.recentShards ?? RECENT_SHARDS,
      hard: options.maxRecentShards ?? MAX_RECENT_SHARDS,
    };
  }

  /** Adds or replaces the records of a batch of images. */
  async put(records: readonly IndexRecord[]): Promise<void> {
    const deadline = this.deadline();
    let manifest: Promise<Manifest> | undefined;
    const current = () => (manifest ??= this.readManifestForWrite(deadline).then((read) => read.manifest));
    const shards = await mapLimit(records, PINS_AT_ONCE, (record) =>
      this.shardOf(record.key, current, deadline),
    );
    const byShard = new Map<string, IndexRecord[]>();
    for (const [i, record] of records.entries())
      byShard.set(shards[i], [...(byShard.get(shards[i]) ?? []), record]);
    for (const [shard, shardRecords] of [...byShard].sort((a, b) => a[0].localeCompare(b[0]))) {
      const state = await this.upsert(shard, shardRecords, deadline);
      await this.count(state, deadline);
    }
  }

  /** The manifest in the current schema, upgrading a v1 manifest in the bucket first. */
  async readManifestForWrite(deadline = this.deadline()): Promise<ManifestRead> {
    for (let race = 0; ; race++) {
      const stored = await this.readManifest();
      if (!stored.v1) return stored;
      const manifest = await upgradedManifest({
        s3: this.s3,
        bucket: this.bucket,
        v1: stored.v1,
        now: this.now(),
        deadline,
      });
      try {
        const etag = await this.putManifest(manifest, stored.etag);
        return { manifest, etag };
      } catch (error) {
        if (!isConditionLost(error)) throw error;
        await deadline.backoff(race, "upgrading the manifest");
      }
    }
  }

  private deadline(): Deadline {
    return this.options.deadline ?? Deadline.after((INDEX_TIMEOUT_SECONDS - 10) * 1000);
  }

  private async shardOf(key: string, manifest: () => Promise<Manifest>, deadline: Deadline): Promise<string> {
    const markerKey = keyMarkerFor(key);
    for (let race = 0; ; race++) {
      const marker = await getJson(this.s3, this.bucket, markerKey);
      if (marker) return (marker.value as { shard: string }).shard;
      const shard = this.openShard(await manifest());
      try {
        await putObject(
          this.s3,
          {
            Bucket: this.bucket,
            Key: markerKey,
            Body: JSON.stringify({ key, shard }),
            ContentType: "application/json",
          },
          { ifAbsent: true },
        );
        return shard;
      } catch (error) {
        // Another indexer created the marker first: the next read finds it.
        if (!isConditionLost(error)) throw error;
        deadline.check(`pinning ${key} to a shard (lost ${race + 1} races)`);
      }
    }
  }

  /** The shard that takes new images: the last one while it has room, else the next. */
  private openShard(manifest: Manifest): string {
    if (manifest.shardCount === 0) return shardKey(0);
    const last = shardKey(manifest.shardCount - 1);
    const entry = manifest.recent.find((candidate) => candidate.key === last);
    if (!entry || entry.totals.records < this.capacity) return last;
    return shardKey(manifest.shardCount);
  }

  private async upsert(
    shard: string,
    records: readonly IndexRecord[],
    deadline: Deadline,
  ): Promise<ShardState> {
    for (let race = 0; ; race++) {
      const stored = await readShard(this.s3, this.bucket, shard);
      const byKey = new Map((stored?.records ?? []).map((record) => [record.key, record]));
      const changed = records.filter((record) => !sameResult(byKey.get(record.key), record));
      for (const record of changed) byKey.set(record.key, record);
      const all = [...byKey.values()];
      if (stored && changed.length === 0)
        return { key: shard, revision: stored.revision, totals: totalsOf(all) };
      const revision = (stored?.revision ?? 0) + 1;
      try {
        await writeShard(
          this.s3,
          this.bucket,
          shard,
          all,
          revision,
          stored ? { ifMatch: stored.etag } : { ifAbsent: true },
        );
        return { key: shard, revision, totals: totalsOf(all) };
      } catch (error) {
        if (!isConditionLost(error)) throw error;
        await deadline.backoff(race, `writing ${shard}`);
      }
    }
  }

  /** Counts the shard's new state in the manifest in place of what it counted for the shard before. */
  private async count(shard: ShardState, deadline: Deadline): Promise<void> {
    for (let race = 0; ; race++) {
      const { manifest, etag } = await this.readManifestForWrite(deadline);
      const entry = manifest.recent.find((candidate) => candidate.key === shard.key);
      if (entry && entry.revision >= shard.revision) return;
      const counted: { revision: number; totals: Totals } = entry ??
        (await readShardTotals(this.s3, this.bucket, shard.key)) ?? { revision: 0, totals: emptyTotals() };
      if (counted.revision >= shard.revision) return;
      let next = withShard(manifest, shard, counted.totals, this.now());
      if (next.recent.length > this.limits.soft) next = await this.evict(next, shard.key, deadline);
      try {
        await this.putManifest(next, etag);
        return;
      } catch (error) {
        // A manifest that changed after it was read may disagree with the shard totals read since, and the
        // result fail validation before the conditional write could: a lost race too.
        const stale = error instanceof ManifestSchemaError && (await this.manifestEtag()) !== etag;
        if (!isConditionLost(error) && !stale) throw error;
        await deadline.backoff(race, "updating the manifest");
      }
    }
  }

  /** Drops shards from `recent` (see evictionOf), keeping their totals in index/shard-totals/ first. */
  private async evict(manifest: Manifest, counting: string, deadline: Deadline): Promise<Manifest> {
    const report = reportStateOf((await headObject(this.s3, this.bucket, REPORT_KEY))?.metadata);
    const eviction = evictionOf(manifest, report, this.limits, counting);
    for (const entry of eviction.evict) await keepShardTotals(this.s3, this.bucket, entry, deadline);
    return withoutEvicted(manifest, eviction);
  }

  private async manifestEtag(): Promise<string | undefined> {
    return (await headObject(this.s3, this.bucket, MANIFEST_KEY))?.etag;
  }

  private putManifest(manifest: Manifest, etag: string | undefined): Promise<string> {
    return putObject(
      this.s3,
      {
        Bucket: this.bucket,
        Key: MANIFEST_KEY,
        Body: JSON.stringify(checkedManifest(manifest)),
        ContentType: "application/json",
      },
      etag ? { ifMatch: etag } : { ifAbsent: true },
    );
  }
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
