import { z } from "zod";
import { BASELINE_KINDS, EXPLAINED_OUTPUTS, QUADRATURE_RULES } from "./explanation-vocabulary.js";
import { schemaProblems } from "./schema-problems.js";

/** The version of the summary contract; bump it on any change that a reader could notice. */
export const SUMMARY_SCHEMA_VERSION = 1;

const artifactPath = z
  .string()
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, "a relative path of plain segments, beside summary.json");

const image = z.object({
  /** Where the image came from: a file path or an s3:// URI. */
  source: z.string().min(1),
  /** The stored object's ETag, when it came from S3. */
  etag: z.string().optional(),
  format: z.string().optional(),
  width: z.number().int().nonnegative().optional(),
  height: z.number().int().nonnegative().optional(),
  /** Ground-truth labels, when the uploader gave them. */
  labels: z.array(z.string()).optional(),
});

const model = z.object({
  id: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
});

const runtime = z.object({
  backend: z.string(),
  backendPackage: z.string(),
  tfjsVersion: z.string(),
  nodeVersion: z.string(),
  cnnLensVersion: z.string(),
  skipped: z.array(z.string()),
});

const prediction = z.object({
  label: z.string(),
  score: z.number().min(0).max(1),
  threshold: z.number().min(0).max(1).optional(),
  predicted: z.boolean(),
});

const integratedGradients = z.object({
  label: z.string(),
  rule: z.enum(QUADRATURE_RULES),
  output: z.enum(EXPLAINED_OUTPUTS),
  baselines: z.array(z.enum(BASELINE_KINDS)).min(1),
  /** With a `blur` baseline: its standard deviation, in model-input pixels. */
  blurSigma: z.number().positive().optional(),
  /** The step count of the final rule, and every gradient evaluation spent (refinements and baselines included). */
  steps: z.number().int().positive(),
  evaluations: z.number().int().positive(),
  converged: z.boolean(),
  completeness: z.object({
    attributionSum: z.number(),
    outputDelta: z.number(),
    relativeError: z.number().nonnegative(),
  }),
  artifacts: z.object({
    mask: artifactPath,
    overlay: artifactPath,
    signed: artifactPath,
    strip: artifactPath,
    attributions: artifactPath.optional(),
  }),
});

const gradCam = z.object({
  label: z.string(),
  layer: z.string(),
  artifacts: z.object({ heatmap: artifactPath, overlay: artifactPath }),
});

const activation = z.object({
  layer: z.string(),
  className: z.string(),
  shape: z.array(z.number().int()),
  channels: z.array(
    z.object({ mean: z.number(), max: z.number(), fractionActive: z.number().min(0).max(1) }),
  ),
  topChannels: z.array(z.number().int().nonnegative()),
  grid: artifactPath,
});

const timings = z.record(z.string(), z.number().nonnegative());

const explained = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  status: z.literal("explained"),
  createdAt: z.iso.datetime(),
  image,
  model,
  runtime,
  predictions: z.array(prediction).min(1),
  predictedLabels: z.array(z.string()).min(1),
  input: artifactPath,
  /** A small JPEG of the input; absent in summaries written before thumbnails existed. */
  thumbnail: artifactPath.optional(),
  integratedGradients: z.array(integratedGradients),
  gradCam: z.array(gradCam),
  activations: z.array(activation),
  timings,
});

const failed = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  status: z.literal("failed"),
  createdAt: z.iso.datetime(),
  image,
  model: model.optional(),
  runtime: runtime.optional(),
  error: z.object({
    /** `bad-input`, `bad-model` or `internal`. */
    kind: z.enum(["bad-input", "bad-model", "internal"]),
    message: z.string().min(1),
  }),
  timings,
});

/** `summary.json`: one image's explanation, or why it could not be explained. */
export const SummarySchema = z.discriminatedUnion("status", [explained, failed]);
export type Summary = z.infer<typeof SummarySchema>;
export type ExplainedSummary = z.infer<typeof explained>;
export type FailedSummary = z.infer<typeof failed>;

/** Validates a summary before it is written or after it is read; the error names each bad field. */
export function parseSummary(value: unknown, source = "summary.json"): Summary {
  const result = SummarySchema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(
    `${source} does not match summary schema v${SUMMARY_SCHEMA_VERSION}:\n${schemaProblems(result.error)}`,
  );
}
