import * as tf from "@tensorflow/tfjs";
import { inputSize, type ExplainedFunction, type InputShape } from "./explained-function.js";
import type { GradientSource, PathPoint } from "./gradient-source.js";
import { selectionMatrix } from "./selection-matrix.js";

/** Options of {@link createTensorGradientSource}. */
export interface TensorGradientSourceOptions {
  /** Path points per forward/backward pass; bounds memory, not the step count. */
  readonly batchSize: number;
}

/**
 * A {@link GradientSource} that evaluates `explained` on the current tfjs backend, in this thread. Each batch
 * is one forward and one backward pass over rows that may mix path positions and targets:
 * ∂/∂pᵣ Σᵣ wᵣ F_tᵣ(pᵣ) = wᵣ ∇F_tᵣ(pᵣ), because rows do not interact.
 */
export function createTensorGradientSource(
  explained: ExplainedFunction,
  inputShape: InputShape,
  options: TensorGradientSourceOptions,
): GradientSource {
  const size = inputSize(inputShape);
  const batch = (data: readonly Float32Array[]) => {
    const flat = new Float32Array(data.length * size);
    data.forEach((row, i) => {
      if (row.length !== size) {
        throw new RangeError(
          `an input of shape [${inputShape.join(", ")}] has ${size} values, got ${row.length}`,
        );
      }
      flat.set(row, i * size);
    });
    return tf.tensor4d(flat, [data.length, ...inputShape]);
  };

  return {
    inputShape,

    async outputs(inputs) {
      const result = tf.tidy(() => explained(batch(inputs)));
      const [, classes] = result.shape;
      const values = (await result.data()) as Float32Array;
      result.dispose();
      return inputs.map((_, i) => values.slice(i * classes, (i + 1) * classes));
    },

    async weightedGradientSums(input, baseline, points) {
      const sums = new Map<number, Float64Array>();
      for (let start = 0; start < points.length; start += options.batchSize) {
        const chunk = points.slice(start, start + options.batchSize);
        const targets = [...new Set(chunk.map((point) => point.target))];
        const grouped = tf.tidy(() =>
          gradientsByTarget(explained, batch([input]), batch([baseline]), chunk, targets),
        );
        const values = (await grouped.data()) as Float32Array;
        grouped.dispose();
        targets.forEach((target, t) => {
          const sum = sums.get(target) ?? new Float64Array(size);
          for (let i = 0; i < size; i++) sum[i] += values[t * size + i];
          sums.set(target, sum);
        });
      }
      return new Map([...sums].map(([target, sum]) => [target, Float32Array.from(sum)]));
    },

    async dispose() {},
  };
}

/** `[targets, h·w·c]`: row t is Σ over the chunk's points with target t of weight · ∇F_t(point). */
function gradientsByTarget(
  explained: ExplainedFunction,
  input: tf.Tensor4D,
  baseline: tf.Tensor4D,
  points: readonly PathPoint[],
  targets: readonly number[],
): tf.Tensor2D {
  const alphas = tf.tensor4d(
    points.map((point) => point.alpha),
    [points.length, 1, 1, 1],
  );
  const path = baseline.add(alphas.mul(input.sub(baseline))) as tf.Tensor4D;
  const gradient = tf.grad((x: tf.Tensor) => {
    const outputs = explained(x as tf.Tensor4D);
    const weightedTargets = selectionMatrix(
      points.map((point) => point.target),
      outputs.shape[1],
      points.map((point) => point.weight),
    );
    return weightedTargets.mul(outputs).sum();
  })(path);
  const membership = selectionMatrix(
    points.map((point) => targets.indexOf(point.target)),
    targets.length,
  );
  return tf.matMul(membership, gradient.reshape([points.length, -1]), true, false) as tf.Tensor2D;
}
