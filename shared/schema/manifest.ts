import { z } from "zod";
import { CountsSchema, emptyTotals, TotalsSchema } from "./index-totals.js";
import { schemaProblems } from "./schema-problems.js";

/** The version of the manifest contract; bump it on any change that a reader could notice. */
export const MANIFEST_SCHEMA_VERSION = 2;

const count = z.number().int().nonnegative();

/** A shard the manifest lists, with the totals of its records as of `revision`, as they are counted in `totals`. */
export const ShardEntrySchema = z.object({
  key: z.string(),
  /** The shard's revision (bumped on every write of the shard) that `totals` reflects. */
  revision: count,
  /** The manifest revision that last changed this entry. */
  changedAt: count,
  totals: TotalsSchema,
});
export type ShardEntry = z.infer<typeof ShardEntrySchema>;

/**
 * `index/manifest.json`, schema v2: running totals and the few shards changed lately. Its size does not grow with
 * the index: a shard that drops out of `recent` has the totals counted for it kept in its own
 * `index/shard-totals/part-NNNNN.json`, and the shards are `part-00000` up to `shardCount - 1`.
 */
export const ManifestSchema = z.object({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  updatedAt: z.string(),
  /** Bumped on every change; the report is stamped with the revision it shows. */
  revision: count,
  /** The shards are part-00000 … part-(shardCount − 1); the last one takes new images while it has room. */
  shardCount: count,
  /** Over every record of every shard. */
  totals: TotalsSchema,
  /** The shards changed lately, always with the last one; the others' totals are in index/shard-totals/. */
  recent: z.array(ShardEntrySchema),
  /**
   * Set when shards that the report had not yet redrawn left `recent`: the lowest such shard and the manifest
   * revision then, so that the report refresh looks at every shard from there on.
   */
  unrendered: z.object({ shard: count, at: count }).nullable(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** Schema v1: one entry per shard with its counts; still read, and upgraded to v2 by the indexer's next write. */
export const ManifestV1Schema = z.object({
  schemaVersion: z.literal(1),
  updatedAt: z.string(),
  totals: CountsSchema,
  shards: z.array(z.object({ key: z.string(), revision: count, counts: CountsSchema })),
});
export type ManifestV1 = z.infer<typeof ManifestV1Schema>;

/** The manifest as stored: the current schema, or v1 seen through it (see {@link manifestFromV1}). */
export type StoredManifest =
  | { readonly manifest: Manifest; readonly v1?: undefined }
  | { readonly manifest: Manifest; readonly v1: ManifestV1 };

/** A manifest that no schema this version of cnn-lens reads describes; the message lists every problem. */
export class ManifestSchemaError extends Error {
  override readonly name = "ManifestSchemaError";
}

/** The empty manifest. */
export function emptyManifest(now: Date): Manifest {
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    updatedAt: now.toISOString(),
    revision: 0,
    shardCount: 0,
    totals: emptyTotals(),
    recent: [],
    unrendered: null,
  };
}

/** Validates a manifest after it is read: schema v2, or v1 (then also seen as v2 through {@link manifestFromV1}). */
export function parseManifest(value: unknown, source = "index/manifest.json"): StoredManifest {
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version === 1) {
    const v1 = validate(ManifestV1Schema, value, source, 1);
    return { manifest: manifestFromV1(v1), v1 };
  }
  if (version === MANIFEST_SCHEMA_VERSION)
    return { manifest: validate(ManifestSchema, value, source, MANIFEST_SCHEMA_VERSION) };
  throw new ManifestSchemaError(
    `${source} has schemaVersion ${JSON.stringify(version)}; this cnn-lens reads versions 1 and ${MANIFEST_SCHEMA_VERSION}: ` +
      `upgrade cnn-lens, or restore the manifest from the bucket's previous version`,
  );
}

/** Validates a manifest before it is written. */
export function checkedManifest(manifest: Manifest): Manifest {
  return validate(ManifestSchema, manifest, "the manifest to write", MANIFEST_SCHEMA_VERSION);
}

/**
 * A v1 manifest seen as v2 for readers: its shards were numbered from 0, its revision was the sum of its shards'
 * revisions, and its totals are the counts it kept (the report's other totals stay empty until the indexer
 * upgrades the manifest).
 */
export function manifestFromV1(v1: ManifestV1): Manifest {
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    updatedAt: v1.updatedAt,
    revision: v1.shards.reduce((sum, shard) => sum + shard.revision, 0),
    shardCount: v1.shards.length,
    totals: { ...emptyTotals(), ...v1.totals },
    recent: [],
    unrendered: null,
  };
}

function validate<T>(schema: z.ZodType<T>, value: unknown, source: string, version: number): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ManifestSchemaError(
    `${source} does not match manifest schema v${version}:\n${schemaProblems(result.error)}`,
  );
}
