import type * as tf from "@tensorflow/tfjs";

/** Memory that one gradient batch may take, by default. */
export const DEFAULT_BATCH_BUDGET_BYTES = 384 * 1024 * 1024;
const MAX_BATCH = 64;

/**
 * How many path points fit in one forward and backward pass within `budgetBytes`: every layer's float32 output
 * is kept for the backward pass and met by a gradient of the same size, so a row costs about
 * 2 · 4 bytes · Σ layer output sizes. Bounded by memory, not by the step count.
 */
export function batchSizeFor(model: tf.LayersModel, budgetBytes = DEFAULT_BATCH_BUDGET_BYTES): number {
  const valuesPerRow = model.layers.reduce((sum, layer) => {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (
      number | null
    )[][];
    return sum + shapes.reduce((s, shape) => s + shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  }, 0);
  const bytesPerRow = 2 * 4 * Math.max(1, valuesPerRow);
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(budgetBytes / bytesPerRow)));
}
