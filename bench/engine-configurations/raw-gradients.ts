import * as tf from "@tensorflow/tfjs";
import type { InputShape } from "../../shared/engine/explained-function.js";

/**
 * The least work the engine's IG does on the tensorflow backend, to measure its overhead against: for the given
 * path points in batches of `batchSize`, the path batch, one `tf.grad` of the target output and a read-back of the
 * gradients. No quadrature weights, no sums over points, no threads. Black baseline: a point is alpha · input.
 */
export function rawGradients(
  model: tf.LayersModel,
  input: Float32Array,
  shape: InputShape,
  target: number,
  batchSize: number,
): (alphas: readonly number[]) => Promise<void> {
  const targetGradient = tf.grad((path: tf.Tensor) => {
    const outputs = model.apply(path, { training: false }) as tf.Tensor2D;
    return outputs.slice([0, target], [-1, 1]).sum();
  });
  return async (alphas) => {
    const image = tf.tensor4d(input, [1, ...shape]);
    for (let start = 0; start < alphas.length; start += batchSize) {
      const chunk = alphas.slice(start, start + batchSize);
      const gradients = tf.tidy(() => targetGradient(tf.tensor4d(chunk, [chunk.length, 1, 1, 1]).mul(image)));
      await gradients.data();
      gradients.dispose();
    }
    image.dispose();
  };
}
