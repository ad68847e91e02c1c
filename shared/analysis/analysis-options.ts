import { z } from "zod";
import { blurSigmaFor } from "../engine/baselines.js";
import { BadInputError } from "../errors.js";
import {
  ActivationsSettingsSchema,
  IntegratedGradientsSettingsSchema,
  type LensConfig,
} from "../model/lens-config.js";
import type { BaselineKind, ExplainedOutput, QuadratureRule } from "../schema/explanation-vocabulary.js";
import { schemaProblems } from "../schema/schema-problems.js";

/** Everything that shapes one image's analysis; lens.json gives the defaults, a request may override them. */
export interface AnalysisOptions {
  /** Labels to explain; by default every predicted label (the top one when none is predicted). */
  readonly targets?: readonly string[];
  readonly rule: QuadratureRule;
  readonly steps: number | "auto";
  readonly tolerance: number;
  readonly maxSteps: number;
  readonly baselines: readonly BaselineKind[];
  /** Standard deviation of the `blur` baseline, in model-input pixels: lens.json's, else input width / 16. */
  readonly blurSigma: number;
  readonly output: ExplainedOutput;
  /** The first N layers, or layers by name. */
  readonly layers: number | readonly string[];
  /** Also write the raw attributions as float32 `.npy`. @default false */
  readonly attributionsNpy: boolean;
  /** Images over this many pixels are refused. */
  readonly maxPixels?: number;
}

/** lens.json's own schemas for the fields it sets, plus the fields only a request sets. */
const AnalysisOptionsSchema = IntegratedGradientsSettingsSchema.extend({
  layers: ActivationsSettingsSchema.shape.layers,
  targets: z.array(z.string()).optional(),
  attributionsNpy: z.boolean().default(false),
  maxPixels: z.number().int().min(1).optional(),
});

/**
 * lens.json's settings with `overrides` on top (an undefined override keeps lens.json's value), checked by the
 * schema that checks lens.json: a bad value is bad input, and the error lists every bad field with its fix.
 */
export function analysisOptions(
  config: LensConfig,
  overrides: Partial<AnalysisOptions> = {},
): AnalysisOptions {
  const result = AnalysisOptionsSchema.safeParse({
    ...config.integratedGradients,
    layers: config.activations.layers,
    ...withoutUndefined(overrides),
  });
  if (!result.success) {
    throw new BadInputError(`the analysis options are invalid:\n${schemaProblems(result.error)}`);
  }
  const { blurSigma, ...options } = result.data;
  const { height, width, channels } = config.input;
  return { ...options, blurSigma: blurSigma ?? blurSigmaFor([height, width, channels]) };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
