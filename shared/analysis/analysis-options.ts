import { blurSigmaFor } from "../engine/baselines.js";
import {
  QUADRATURE_RULES,
  type QuadratureRule,
  BASELINE_KINDS,
  type BaselineKind,
  type ExplainedOutput,
} from "../schema/explanation-vocabulary.js";
import { BadInputError } from "../errors.js";
import type { LensConfig } from "../model/lens-config.js";

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

/** The lens.json defaults with `overrides` on top, checked: a bad value is bad input that names it. */
export function analysisOptions(
  config: LensConfig,
  overrides: Partial<AnalysisOptions> = {},
): AnalysisOptions {
  const defaults = config.integratedGradients;
  const options: AnalysisOptions = {
    rule: defaults.rule,
    steps: defaults.steps,
    tolerance: defaults.tolerance,
    maxSteps: defaults.maxSteps,
    baselines: defaults.baselines,
    blurSigma:
      defaults.blurSigma ?? blurSigmaFor([config.input.height, config.input.width, config.input.channels]),
    output: defaults.output,
    layers: config.activations.layers,
    attributionsNpy: false,
    ...withoutUndefined(overrides),
  };
  const problems: string[] = [];
  if (!QUADRATURE_RULES.includes(options.rule)) {
    problems.push(
      `method ${JSON.stringify(options.rule)} is unknown; use one of ${QUADRATURE_RULES.join(", ")}`,
    );
  }
  if (
    options.steps !== "auto" &&
    !(Number.isInteger(options.steps) && options.steps >= 1 && options.steps <= 4096)
  ) {
    problems.push(`steps ${JSON.stringify(options.steps)} must be "auto" or a whole number from 1 to 4096`);
  }
  const unknownBaselines = options.baselines.filter((kind) => !BASELINE_KINDS.includes(kind));
  if (options.baselines.length === 0 || unknownBaselines.length > 0) {
    problems.push(
      `baseline ${JSON.stringify(unknownBaselines.join(","))} is unknown; use one or more of ${BASELINE_KINDS.join(", ")}`,
    );
  }
  if (!["probability", "logit"].includes(options.output)) {
    problems.push(`output ${JSON.stringify(options.output)} is unknown; use probability or logit`);
  }
  if (problems.length > 0) throw new BadInputError(problems.join("; "));
  return options;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
