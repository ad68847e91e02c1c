import { z } from "zod";
import { TotalsSchema, type Totals } from "./index-totals.js";
import { schemaProblems } from "./schema-problems.js";

/** The version of the shard-totals contract. */
export const SHARD_TOTALS_SCHEMA_VERSION = 1;

/**
 * `index/shard-totals/part-NNNNN.json`: the totals counted in the manifest for one shard that the manifest no
 * longer lists, as of the shard's `revision`. Written before the manifest drops the shard, and only ever moved to a
 * later revision.
 */
export const ShardTotalsSchema = z.object({
  schemaVersion: z.literal(SHARD_TOTALS_SCHEMA_VERSION),
  key: z.string(),
  revision: z.number().int().nonnegative(),
  totals: TotalsSchema,
});
export type ShardTotals = z.infer<typeof ShardTotalsSchema>;

/** A shard's totals, validated before they are written. */
export function shardTotals(key: string, revision: number, totals: Totals): ShardTotals {
  return ShardTotalsSchema.parse({ schemaVersion: SHARD_TOTALS_SCHEMA_VERSION, key, revision, totals });
}

/** Validates shard totals after they are read; the error names the object and each bad field. */
export function parseShardTotals(value: unknown, source: string): ShardTotals {
  const result = ShardTotalsSchema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(
    `${source} does not match shard-totals schema v${SHARD_TOTALS_SCHEMA_VERSION}:\n${schemaProblems(result.error)}\n` +
      `restore its previous version (the bucket keeps versions)`,
  );
}
