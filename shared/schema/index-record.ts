import { z } from "zod";
import type { Summary } from "./summary.js";

/** The version of the record and manifest contracts. */
export const INDEX_SCHEMA_VERSION = 1;

/** One image, as a line of a JSON Lines shard under index/records/: flat enough for Athena and DuckDB. */
export const IndexRecordSchema = z.object({
  schemaVersion: z.literal(INDEX_SCHEMA_VERSION),
  /** The upload's key, under uploads/. */
  key: z.string().min(1),
  summaryKey: z.string().min(1),
  status: z.enum(["explained", "failed"]),
  etag: z.string().nullable(),
  modelId: z.string().nullable(),
  modelHash: z.string().nullable(),
  /** Ground truth, when the uploader gave it. */
  actualLabels: z.array(z.string()).nullable(),
  predictedLabels: z.array(z.string()),
  /** Every class's score, by label. */
  scores: z.record(z.string(), z.number()),
  topLabel: z.string().nullable(),
  topScore: z.number().nullable(),
  /** Whether the predicted labels differ from the actual ones (null when there is no ground truth). */
  misclassified: z.boolean().nullable(),
  /** The largest IG completeness error over the explained targets. */
  maxCompletenessError: z.number().nullable(),
  explainedTargets: z.array(z.string()),
  error: z.string().nullable(),
  processingMs: z.number().nullable(),
  createdAt: z.string(),
  indexedAt: z.string(),
});
export type IndexRecord = z.infer<typeof IndexRecordSchema>;

/** The record of an image from its summary. */
export function recordFromSummary(
  key: string,
  summaryKey: string,
  summary: Summary,
  indexedAt: Date,
): IndexRecord {
  const explained = summary.status === "explained" ? summary : undefined;
  const predictedLabels = explained ? explained.predictedLabels : [];
  const top = explained ? [...explained.predictions].sort((a, b) => b.score - a.score)[0] : undefined;
  const actual = summary.image.labels ?? null;
  const errors = explained?.integratedGradients.map((ig) => ig.completeness.relativeError) ?? [];
  return IndexRecordSchema.parse({
    schemaVersion: INDEX_SCHEMA_VERSION,
    key,
    summaryKey,
    status: summary.status,
    etag: summary.image.etag ?? null,
    modelId: summary.model?.id ?? null,
    modelHash: summary.model?.hash ?? null,
    actualLabels: actual,
    predictedLabels,
    scores: Object.fromEntries(explained?.predictions.map((p) => [p.label, p.score]) ?? []),
    topLabel: top?.label ?? null,
    topScore: top?.score ?? null,
    misclassified: explained && actual ? !sameLabels(actual, predictedLabels) : null,
    maxCompletenessError: errors.length > 0 ? Math.max(...errors) : null,
    explainedTargets: explained?.integratedGradients.map((ig) => ig.label) ?? [],
    error: summary.status === "failed" ? `${summary.error.kind}: ${summary.error.message}` : null,
    processingMs: summary.timings.total ?? null,
    createdAt: summary.createdAt,
    indexedAt: indexedAt.toISOString(),
  });
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}
