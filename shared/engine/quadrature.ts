/**
 * Quadrature rules on [0, 1] for the path integral of Integrated Gradients.
 *
 * A rule turns a step count into nodes (the alphas where gradients are taken) and weights that sum to 1,
 * so that ∫₀¹ g(α) dα ≈ Σᵢ wᵢ g(αᵢ). Unlike Captum's and Alibi's "trapezoid", whose weights sum to 1 − 1/n,
 * every rule here integrates a constant exactly.
 */

import { QUADRATURE_RULES, type QuadratureRule } from "../schema/explanation-vocabulary.js";

/** The nodes (alphas) and weights of one rule at one step count. */
export interface Quadrature {
  readonly rule: QuadratureRule;
  /** The step count asked for: intervals for the trapezoid rule, nodes for the others. */
  readonly steps: number;
  readonly alphas: readonly number[];
  readonly weights: readonly number[];
}

/** Returns the nodes and weights of `rule` with `steps` steps; throws on an unknown rule or a bad count. */
export function quadrature(rule: QuadratureRule, steps: number): Quadrature {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`quadrature steps must be a whole number ≥ 1, got ${steps}`);
  }
  switch (rule) {
    case "gauss-legendre":
      return { rule, steps, ...gaussLegendre(steps) };
    case "trapezoid":
      return { rule, steps, ...trapezoid(steps) };
    case "riemann-left":
      return { rule, steps, ...riemann(steps, 0) };
    case "riemann-right":
      return { rule, steps, ...riemann(steps, 1) };
    case "riemann-middle":
      return { rule, steps, ...riemann(steps, 0.5) };
    default:
      throw new RangeError(
        `unknown quadrature rule ${JSON.stringify(rule)}; use one of ${QUADRATURE_RULES.join(", ")}`,
      );
  }
}

/** n intervals, n + 1 nodes linspace(0, 1, n + 1), weights 1/(2n), 1/n, …, 1/n, 1/(2n). */
function trapezoid(n: number): Pick<Quadrature, "alphas" | "weights"> {
  const alphas = Array.from({ length: n + 1 }, (_, i) => i / n);
  const weights = alphas.map((_, i) => (i === 0 || i === n ? 0.5 / n : 1 / n));
  return { alphas, weights };
}

/** n nodes at (i + offset)/n, each weighted 1/n. */
function riemann(n: number, offset: number): Pick<Quadrature, "alphas" | "weights"> {
  const alphas = Array.from({ length: n }, (_, i) => (i + offset) / n);
  return { alphas, weights: alphas.map(() => 1 / n) };
}

/**
 * Gauss–Legendre nodes and weights mapped from [−1, 1] to [0, 1]: the roots of Pₙ found by Newton's method
 * from Chebyshev guesses, wᵢ = 2 / ((1 − xᵢ²) Pₙ′(xᵢ)²) halved for the shorter interval.
 */
function gaussLegendre(n: number): Pick<Quadrature, "alphas" | "weights"> {
  const alphas = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iteration = 0; iteration < 100; iteration++) {
      const [value, slope] = legendre(n, x);
      const dx = value / slope;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    const derivative = legendre(n, x)[1];
    const weight = 1 / ((1 - x * x) * derivative * derivative);
    alphas[i] = (1 - x) / 2;
    alphas[n - 1 - i] = (1 + x) / 2;
    weights[i] = weight;
    weights[n - 1 - i] = weight;
  }
  return { alphas, weights };
}

/** Pₙ(x) and Pₙ′(x) by the three-term recurrence. */
function legendre(n: number, x: number): [number, number] {
  let previous = 1;
  let current = x;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
    previous = current;
    current = next;
  }
  return [current, (n * (x * current - previous)) / (x * x - 1)];
}
