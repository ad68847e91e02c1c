import type { GradientSource, PathPoint } from "./gradient-source.js";
import type { QuadratureRule } from "../schema/explanation-vocabulary.js";
import { quadrature } from "./quadrature.js";

/**
 * Integrated Gradients (Sundararajan, Taly & Yan 2017, https://arxiv.org/abs/1703.01365):
 * IGᵢ(x) = (xᵢ − x′ᵢ) · ∫₀¹ ∂F(x′ + α(x − x′))/∂xᵢ dα, averaged over the baselines x′.
 * All targets of one image are explained in one call, sharing batches.
 */

/** How the path integral is taken: a fixed step count, or adaptive steps. */
export type IntegratedGradientsOptions = {
  /** Output indices to explain. */
  readonly targets: readonly number[];
  readonly rule: QuadratureRule;
} & (FixedSteps | AdaptiveSteps);

/** One round of this many steps. */
interface FixedSteps {
  readonly steps: number;
}

/** Steps that double until completeness holds within `tolerance`; lens.json holds the defaults of both bounds. */
interface AdaptiveSteps {
  readonly steps: "auto";
  /** Adaptive steps stop when |Σ attributions − ΔF| ≤ tolerance · |ΔF|. */
  readonly tolerance: number;
  /** Adaptive steps never go past this count. */
  readonly maxSteps: number;
  /** Adaptive steps start here and double. @default 16 */
  readonly initialSteps?: number;
}

/** The attributions for one target, with how well they satisfy completeness (Σ IG = F(x) − F(x′)). */
export interface TargetAttributions {
  readonly target: number;
  /** Flat HWC, in model-input space. */
  readonly attributions: Float32Array;
  /** The step count of the rule that produced `attributions`. */
  readonly steps: number;
  /** Gradient evaluations spent on this target, refinements and baselines included. */
  readonly evaluations: number;
  readonly attributionSum: number;
  /** F(x) − F(x′), averaged over the baselines. */
  readonly outputDelta: number;
  /** |attributionSum − outputDelta| / |outputDelta|. */
  readonly relativeError: number;
  /** Whether the error is within tolerance (always true for fixed steps). */
  readonly converged: boolean;
}

/** Below this |ΔF| the output did not move, and an absolute error this small counts as converged. */
const NEGLIGIBLE_DELTA = 1e-6;

/**
 * Computes Integrated Gradients of `input` (model-input space, flat HWC) for every target, from each baseline
 * (same space), averaged over the baselines.
 */
export async function integratedGradients(
  source: GradientSource,
  input: Float32Array,
  baselines: readonly Float32Array[],
  options: IntegratedGradientsOptions,
): Promise<TargetAttributions[]> {
  if (baselines.length === 0) throw new RangeError("integratedGradients needs at least one baseline");
  const adaptive = options.steps === "auto";
  // A fixed step count is a single round, converged by definition: it is its own cap and needs no tolerance.
  const tolerance = options.steps === "auto" ? options.tolerance : 0;
  const maxSteps = options.steps === "auto" ? options.maxSteps : options.steps;
  let steps = options.steps === "auto" ? Math.min(options.initialSteps ?? 16, maxSteps) : options.steps;

  const [inputOutputs, ...baselineOutputs] = await source.outputs([input, ...baselines]);
  const outputDelta = (target: number) =>
    mean(baselineOutputs.map((outputs) => inputOutputs[target] - outputs[target]));

  const done = new Map<number, TargetAttributions>();
  const evaluations = new Map(options.targets.map((target) => [target, 0]));
  let pending = [...new Set(options.targets)];
  while (pending.length > 0) {
    const rule = quadrature(options.rule, steps);
    const attributions = new Map(pending.map((target) => [target, new Float64Array(input.length)]));
    for (const baseline of baselines) {
      const points: PathPoint[] = pending.flatMap((target) =>
        rule.alphas.map((alpha, i) => ({ alpha, weight: rule.weights[i], target })),
      );
      const sums = await source.weightedGradientSums(input, baseline, points);
      for (const target of pending) {
        const gradientIntegral = sums.get(target) as Float32Array;
        const total = attributions.get(target) as Float64Array;
        for (let i = 0; i < input.length; i++) {
          total[i] += ((input[i] - baseline[i]) * gradientIntegral[i]) / baselines.length;
        }
      }
    }
    const lastRound = !adaptive || steps >= maxSteps;
    for (const target of pending) {
      const spent = (evaluations.get(target) ?? 0) + rule.alphas.length * baselines.length;
      evaluations.set(target, spent);
      const total = attributions.get(target) as Float64Array;
      const attributionSum = total.reduce((a, b) => a + b, 0);
      const delta = outputDelta(target);
      const error = Math.abs(attributionSum - delta);
      const withinTolerance =
        error <= tolerance * Math.abs(delta) ||
        (Math.abs(delta) < NEGLIGIBLE_DELTA && error < NEGLIGIBLE_DELTA);
      if (withinTolerance || lastRound) {
        done.set(target, {
          target,
          attributions: Float32Array.from(total),
          steps,
          evaluations: spent,
          attributionSum,
          outputDelta: delta,
          relativeError: error / Math.max(Math.abs(delta), Number.MIN_VALUE),
          converged: !adaptive || withinTolerance,
        });
      }
    }
    pending = pending.filter((target) => !done.has(target));
    steps = Math.min(steps * 2, maxSteps);
  }
  return options.targets.map((target) => done.get(target) as TargetAttributions);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
