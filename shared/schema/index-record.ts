import { z } from "zod";
import type { ExplainedSummary, Summary } from "./summary.js";

/** The version of the record contract (the manifest has its own: MANIFEST_SCHEMA_VERSION in manifest.ts). */
export const INDEX_SCHEMA_VERSION = 1;

/**
 * What the report's detail view shows of an explained image, copied from its summary. Paths are relative to the
 * summary's folder.
 */
export const RecordExplanationsSchema = z.object({
  input: z.string(),
  /** Null for summaries written before thumbnails existed. */
  thumbnail: z.string().nullable(),
  targets: z.array(
    z.object({
      label: z.string(),
      relativeError: z.number(),
      converged: z.boolean(),
      integratedGradients: z.object({
        mask: z.string(),
        overlay: z.string(),
        signed: z.string(),
        strip: z.string(),
      }),
      gradCam: z.object({ layer: z.string(), heatmap: z.string(), overlay: z.string() }).nullable(),
    }),
  ),
  activations: z.array(
    z.object({
      layer: z.string(),
      className: z.string(),
      shape: z.array(z.number().int()),
      grid: z.string(),
      topChannels: z.array(z.number().int()),
    }),
  ),
});
export type RecordExplanations = z.infer<typeof RecordExplanationsSchema>;

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
  /** Null for failed images; absent in records indexed before the report existed, which stay readable. */
  explanations: RecordExplanationsSchema.nullable().optional(),
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
    explanations: explained ? explanationsOf(explained) : null,
  });
}

function explanationsOf(summary: ExplainedSummary): RecordExplanations {
  return {
    input: summary.input,
    thumbnail: summary.thumbnail ?? null,
    targets: summary.integratedGradients.map((ig) => {
      const cam = summary.gradCam.find((candidate) => candidate.label === ig.label);
      return {
        label: ig.label,
        relativeError: ig.completeness.relativeError,
        converged: ig.converged,
        integratedGradients: {
          mask: ig.artifacts.mask,
          overlay: ig.artifacts.overlay,
          signed: ig.artifacts.signed,
          strip: ig.artifacts.strip,
        },
        gradCam: cam ? { layer: cam.layer, ...cam.artifacts } : null,
      };
    }),
    activations: summary.activations.map(({ layer, className, shape, grid, topChannels }) => ({
      layer,
      className,
      shape,
      grid,
      topChannels,
    })),
  };
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}
