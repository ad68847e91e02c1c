import * as tf from "@tensorflow/tfjs";
import { batchTensors, type Augmentation, type ImageSet } from "./dataset-loader.js";

/** What one forward and backward pass over part of a batch gives. */
export interface StepResult {
  /** How many images the pass saw (to weight it against the other parts of the batch). */
  readonly count: number;
  /** Mean binary cross-entropy over those images. */
  readonly loss: number;
  /** d loss / d weight for every trainable weight, in `model.trainableWeights` order. */
  readonly gradients: Float32Array[];
  /** The non-trainable weights after the pass (BatchNormalization's moving mean and variance), in order. */
  readonly state: Float32Array[];
}

/** Binary cross-entropy of sigmoid scores, averaged over images and labels. */
export function binaryCrossEntropy(targets: tf.Tensor, scores: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(scores, 1e-7, 1 - 1e-7);
    const terms = tf.add(tf.mul(targets, tf.log(p)), tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, p))));
    return tf.neg(tf.mean(terms)) as tf.Scalar;
  });
}

/**
 * One forward and backward pass in training mode (dropout on, BatchNormalization on batch statistics, which
 * also moves its moving averages) over the images at `indices`, each transformed by `transforms[i]` if given.
 */
export async function computeStep(
  model: tf.LayersModel,
  set: ImageSet,
  indices: readonly number[],
  transforms?: readonly Augmentation[],
): Promise<StepResult> {
  const { xs, ys } = batchTensors(set, indices, transforms);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => binaryCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor),
    variables,
  );
  const ordered = variables.map((v) => grads[v.name]);
  const [loss, ...gradients] = await Promise.all([value, ...ordered].map((t) => t.data<"float32">()));
  tf.dispose([xs, ys, value, ...ordered]);
  const state = await Promise.all(model.nonTrainableWeights.map((w) => w.read().data<"float32">()));
  return { count: indices.length, loss: loss[0], gradients, state };
}

/** Every weight of `model` (trainable, then non-trainable, as `model.getWeights()` orders them) as arrays. */
export async function weightArrays(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map((w) => w.read().data<"float32">()));
}

/** Writes arrays from {@link weightArrays} (of a model with the same architecture) into `model`. */
export function setWeightArrays(model: tf.LayersModel, arrays: readonly Float32Array[]): void {
  if (arrays.length !== model.weights.length) {
    throw new RangeError(`${arrays.length} weight arrays for ${model.weights.length} weights`);
  }
  tf.tidy(() => {
    model.weights.forEach((w, i) => w.write(tf.tensor(arrays[i], w.shape as number[])));
  });
}
