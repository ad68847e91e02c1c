import type { InputShape } from "./explained-function.js";

/** One gradient evaluation on the straight path from a baseline to the input. */
export interface PathPoint {
  /** Position on the path: the point is baseline + alpha · (input − baseline). */
  readonly alpha: number;
  /** Quadrature weight of this point. */
  readonly weight: number;
  /** Index of the output whose gradient is taken. */
  readonly target: number;
}

/**
 * What Integrated Gradients needs from a model: its outputs, and weighted sums of its gradients along a path.
 * Implemented in-process over tfjs ({@link createTensorGradientSource}) and across worker threads.
 */
export interface GradientSource {
  readonly inputShape: InputShape;
  /** The explained outputs `[classes]` for each input (flat HWC arrays in model-input space). */
  outputs(inputs: readonly Float32Array[]): Promise<Float32Array[]>;
  /**
   * For each distinct target among `points`: Σ weight · ∇ output[target] at baseline + alpha · (input − baseline),
   * over the points with that target.
   */
  weightedGradientSums(
    input: Float32Array,
    baseline: Float32Array,
    points: readonly PathPoint[],
  ): Promise<Map<number, Float32Array>>;
  /** Releases what the source holds (tensors, threads). */
  dispose(): Promise<void>;
}
