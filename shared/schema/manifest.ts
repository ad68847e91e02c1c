import { z } from "zod";
import { INDEX_SCHEMA_VERSION, type IndexRecord } from "./index-record.js";

/** Counts over a set of records. */
export const CountsSchema = z.object({
  records: z.number().int().nonnegative(),
  byStatus: z.record(z.string(), z.number().int().nonnegative()),
  byPredictedLabel: z.record(z.string(), z.number().int().nonnegative()),
  byModel: z.record(z.string(), z.number().int().nonnegative()),
});
export type Counts = z.infer<typeof CountsSchema>;

/** `index/manifest.json`: the totals and the record shards, each with its own counts. */
export const ManifestSchema = z.object({
  schemaVersion: z.literal(INDEX_SCHEMA_VERSION),
  updatedAt: z.string(),
  totals: CountsSchema,
  shards: z.array(
    z.object({
      key: z.string(),
      /** Bumped on every write of the shard; the manifest keeps the newest it has seen. */
      revision: z.number().int().nonnegative(),
      counts: CountsSchema,
    }),
  ),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** The empty manifest. */
export function emptyManifest(now: Date): Manifest {
  return {
    schemaVersion: INDEX_SCHEMA_VERSION,
    updatedAt: now.toISOString(),
    totals: countRecords([]),
    shards: [],
  };
}

/** Counts of `records` by status, predicted label and model. */
export function countRecords(records: readonly IndexRecord[]): Counts {
  const counts: Counts = { records: records.length, byStatus: {}, byPredictedLabel: {}, byModel: {} };
  const add = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);
  for (const record of records) {
    add(counts.byStatus, record.status);
    for (const label of record.predictedLabels) add(counts.byPredictedLabel, label);
    if (record.modelId) add(counts.byModel, record.modelId);
  }
  return counts;
}

/** The sum of several counts. */
export function sumCounts(parts: readonly Counts[]): Counts {
  const total: Counts = { records: 0, byStatus: {}, byPredictedLabel: {}, byModel: {} };
  for (const part of parts) {
    total.records += part.records;
    for (const table of ["byStatus", "byPredictedLabel", "byModel"] as const) {
      for (const [key, value] of Object.entries(part[table]))
        total[table][key] = (total[table][key] ?? 0) + value;
    }
  }
  return total;
}
