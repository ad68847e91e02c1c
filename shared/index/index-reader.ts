import type { S3Client } from "@aws-sdk/client-s3";
import { mapLimit } from "../map-limit.js";
import type { IndexRecord } from "../schema/index-record.js";
import { emptyManifest, parseManifest, type Manifest, type StoredManifest } from "../schema/manifest.js";
import { MANIFEST_KEY, shardKey } from "../storage/s3-layout.js";
import { getJson } from "../storage/s3-objects.js";
import { readShard, type StoredShard } from "./record-shard.js";

/** Shards read at once by readRecords. */
const READS_AT_ONCE = 8;

/**
 * Reads the index in a bucket (index/manifest.json and the record shards), validated against their schemas:
 * what the CLI, the report, the benches and the indexer itself read. Writing is the indexer's (IndexStore).
 */
export class IndexReader {
  constructor(
    protected readonly s3: S3Client,
    protected readonly bucket: string,
    protected readonly now: () => Date = () => new Date(),
  ) {}

  /** The manifest (a v1 one seen as v2, with `v1` set), or an empty one before the first record. */
  async readManifest(): Promise<StoredManifest & { etag?: string }> {
    const stored = await getJson(this.s3, this.bucket, MANIFEST_KEY);
    if (!stored) return { manifest: emptyManifest(this.now()) };
    return { ...parseManifest(stored.value, `s3://${this.bucket}/${MANIFEST_KEY}`), etag: stored.etag };
  }

  /** Every record in the index, shard by shard in order (a few shards read at once). */
  async readRecords(manifest: Manifest): Promise<IndexRecord[]> {
    const numbers = Array.from({ length: manifest.shardCount }, (_, n) => n);
    return (await mapLimit(numbers, READS_AT_ONCE, (n) => this.readShard(shardKey(n)))).flat();
  }

  /** Every record of one shard. */
  async readShard(key: string): Promise<IndexRecord[]> {
    return (await readShard(this.s3, this.bucket, key))?.records ?? [];
  }

  /** One shard's records and revision, or undefined if it does not exist. */
  async readShardWithRevision(key: string): Promise<StoredShard | undefined> {
    return await readShard(this.s3, this.bucket, key);
  }
}
