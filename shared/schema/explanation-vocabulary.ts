/**
 * The names that a summary, a bundle's lens.json, the CLI and the engine share for how an explanation was made.
 * They live with the contracts, free of TensorFlow.js, so that code which only reads summaries (the index Lambda,
 * the report) does not reach the engine to validate them.
 */

/** Quadrature rules on [0, 1] for the path integral of Integrated Gradients (see engine/quadrature.ts). */
export const QUADRATURE_RULES = [
  "gauss-legendre",
  "trapezoid",
  "riemann-left",
  "riemann-right",
  "riemann-middle",
] as const;
export type QuadratureRule = (typeof QUADRATURE_RULES)[number];

/** The reference inputs that Integrated Gradients integrates from; several are averaged. */
export const BASELINE_KINDS = ["black", "white", "blur", "uniform"] as const;
export type BaselineKind = (typeof BASELINE_KINDS)[number];

/** What the attribution methods explain: the class probability, or the logit before the last activation. */
export const EXPLAINED_OUTPUTS = ["probability", "logit"] as const;
export type ExplainedOutput = (typeof EXPLAINED_OUTPUTS)[number];
