import { z } from "zod";
import { BASELINE_KINDS, EXPLAINED_OUTPUTS, QUADRATURE_RULES } from "../schema/explanation-vocabulary.js";
import { BadModelError } from "../errors.js";

/**
 * lens.json's `integratedGradients`: how every image is explained unless a request overrides a field. The
 * defaults are written here only; requests are checked against this same schema.
 */
export const IntegratedGradientsSettingsSchema = z.object({
  rule: z.enum(QUADRATURE_RULES).default("gauss-legendre"),
  steps: z
    .union([z.literal("auto"), z.number().int().min(1).max(4096)], {
      error: 'use "auto" or a whole number from 1 to 4096',
    })
    .default("auto"),
  tolerance: z.number().positive().max(1).default(0.01),
  maxSteps: z.number().int().min(1).max(4096).default(256),
  baselines: z.array(z.enum(BASELINE_KINDS)).min(1).default(["black"]),
  output: z.enum(EXPLAINED_OUTPUTS).default("probability"),
  /** Standard deviation of the `blur` baseline, in model-input pixels. @default input width / 16 */
  blurSigma: z.number().positive().max(1024).optional(),
});

/** lens.json's `activations`: which layers get activation grids, unless a request names others. */
export const ActivationsSettingsSchema = z.object({
  /** The first N layers, or layers by name. */
  layers: z.union([z.number().int().min(0), z.array(z.string().min(1))]).default(10),
});

/** `lens.json`, version 1: everything cnn-lens needs to know about a model beyond its weights. */
export const LensConfigSchema = z.object({
  schemaVersion: z.literal(1),
  /** The model's id, recorded in every summary. */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, "use letters, digits, '.', '_' and '-'"),
  labels: z.array(z.string().min(1)).min(1),
  task: z.enum(["multi-label", "single-label"]),
  /** Multi-label only: one threshold per label, in `labels` order. @default 0.5 each */
  thresholds: z.array(z.number().min(0).max(1)).optional(),
  /** The label reported when no class passes its threshold (multi-label). */
  noLabel: z.string().min(1).default("healthy"),
  /** Single-label only: how many top classes to report. */
  topK: z.number().int().min(1).default(3),
  input: z.object({
    width: z.number().int().min(8).max(4096),
    height: z.number().int().min(8).max(4096),
    channels: z.union([z.literal(1), z.literal(3)]).default(3),
    /** Model input = pixel (0..255) · scale + offset. */
    scale: z
      .number()
      .positive()
      .default(1 / 255),
    offset: z.number().default(0),
  }),
  integratedGradients: IntegratedGradientsSettingsSchema.prefault({}),
  activations: ActivationsSettingsSchema.prefault({}),
});

export type LensConfig = z.infer<typeof LensConfigSchema>;
export type LensConfigInput = z.input<typeof LensConfigSchema>;

/** Validates a parsed lens.json, filling in defaults; the error lists every bad field with its fix. */
export function parseLensConfig(value: unknown, source = "lens.json"): LensConfig {
  const result = LensConfigSchema.safeParse(value);
  const problems = [
    ...(result.error?.issues ?? []).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    ...crossFieldProblems(value),
  ].map((problem) => `  - ${problem}`);
  if (result.success && problems.length === 0) return result.data;
  throw new BadModelError(`${source} is invalid:\n${problems.join("\n")}`);
}

/** The threshold of each label (multi-label), 0.5 where lens.json gives none. */
export function thresholdsOf(config: LensConfig): number[] {
  return config.thresholds ?? config.labels.map(() => 0.5);
}

/** Checks between fields, run on the raw value so that they are reported together with the field errors. */
function crossFieldProblems(value: unknown): string[] {
  const raw = (typeof value === "object" && value !== null ? value : {}) as Partial<Record<string, unknown>>;
  const labels = Array.isArray(raw.labels) ? raw.labels : undefined;
  const thresholds = Array.isArray(raw.thresholds) ? raw.thresholds : undefined;
  const noLabel = typeof raw.noLabel === "string" ? raw.noLabel : "healthy";
  const problems: string[] = [];
  if (labels && new Set(labels).size !== labels.length) problems.push("labels: labels must be unique");
  if (labels && thresholds && thresholds.length !== labels.length) {
    problems.push(`thresholds: give one threshold per label (${labels.length}), got ${thresholds.length}`);
  }
  if (thresholds && raw.task === "single-label") {
    problems.push(
      "thresholds: thresholds apply to multi-label models only; remove them or set task to multi-label",
    );
  }
  if (labels?.includes(noLabel)) {
    problems.push(`noLabel: "${noLabel}" is also a class label; choose a name that is not in labels`);
  }
  return problems;
}
