import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "./architecture.js";
import { batches, batchTensors, epochOrder, randomTransforms, type ImageSet } from "./dataset-loader.js";
import { weightArrays } from "./gradient-step.js";
import { LABELS } from "./labels.js";
import { SeededRandom } from "./random.js";
import { localStepPool, workerStepPool, type StepPool } from "./step-pool.js";

/** How to train. */
export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam's peak learning rate; it decays along a half cosine to `finalLearningRate` over the epochs. */
  readonly learningRate: number;
  readonly finalLearningRate: number;
  /** Seeds the epoch order, the augmentation and the training threads' dropout. */
  readonly seed: number;
  /** Random quarter turns and mirrors of every training image. */
  readonly augment: boolean;
  /** With `augment`: the standard deviation of Gaussian noise added to the model input (0: none). @default 0 */
  readonly inputNoise?: number;
  /**
   * Worker threads that share each batch (data parallel); 0 trains in this thread. The result depends on the
   * number of threads (BatchNormalization normalizes each thread's share on its own), not on timing.
   */
  readonly threads: number;
  /** Called after every epoch, e.g. to log or to evaluate on validation data. */
  readonly onEpoch?: (log: EpochLog) => void | Promise<void>;
  /** Called every `progressEvery` batches. */
  readonly onBatch?: (epoch: number, batch: number, batches: number, msPerBatch: number) => void;
  readonly progressEvery?: number;
}

/** What one epoch did. */
export interface EpochLog {
  readonly epoch: number;
  readonly learningRate: number;
  /** Mean binary cross-entropy over the epoch's batches (with dropout on). */
  readonly loss: number;
  readonly seconds: number;
  readonly msPerBatch: number;
}

/** The learning rate of `epoch` (0-based): a half cosine from `peak` to `final`. */
export function learningRateAt(epoch: number, epochs: number, peak: number, final: number): number {
  if (epochs <= 1) return peak;
  return final + ((peak - final) * (1 + Math.cos((Math.PI * epoch) / (epochs - 1)))) / 2;
}

/**
 * Trains `model` (built with `architecture`, training variant) on `set` with Adam and binary cross-entropy, in
 * a seeded order with seeded augmentation. The weights and the optimizer live in this thread; each batch's
 * gradient is computed here or by the training threads.
 */
export async function trainModel(
  model: tf.LayersModel,
  architecture: Architecture,
  set: ImageSet,
  options: TrainOptions,
): Promise<EpochLog[]> {
  const optimizer = tf.train.adam(options.learningRate);
  // Adam reads its learning rate at every step; tfjs has no public setter, so the schedule writes the field.
  const schedule = optimizer as unknown as { learningRate: number };
  const random = new SeededRandom(options.seed);
  const pool: StepPool =
    options.threads > 0
      ? workerStepPool(architecture, set, { threads: options.threads, seed: options.seed })
      : localStepPool(model, set);
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const count = set.rows.length;
  const logs: EpochLog[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const started = performance.now();
      schedule.learningRate = learningRateAt(
        epoch,
        options.epochs,
        options.learningRate,
        options.finalLearningRate,
      );
      const epochBatches = batches(epochOrder(count, options.seed, epoch), options.batchSize);
      let lossSum = 0;
      for (const [b, indices] of epochBatches.entries()) {
        const transforms = options.augment
          ? randomTransforms(indices.length, random, options.inputNoise ?? 0)
          : undefined;
        const weights = pool.threads > 0 ? await weightArrays(model) : [];
        const result = await pool.step(weights, indices, transforms);
        tf.tidy(() => {
          optimizer.applyGradients(
            trainable.map((v, k) => ({
              name: v.name,
              tensor: tf.tensor(result.gradients[k], v.shape as number[]),
            })),
          );
          if (pool.threads > 0) {
            model.nonTrainableWeights.forEach((w, k) =>
              w.write(tf.tensor(result.state[k], w.shape as number[])),
            );
          }
        });
        lossSum += result.loss;
        if (options.onBatch && (b + 1) % (options.progressEvery ?? 10) === 0) {
          options.onBatch(epoch + 1, b + 1, epochBatches.length, (performance.now() - started) / (b + 1));
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const log: EpochLog = {
        epoch: epoch + 1,
        learningRate: schedule.learningRate,
        loss: lossSum / epochBatches.length,
        seconds,
        msPerBatch: (seconds * 1000) / epochBatches.length,
      };
      logs.push(log);
      await options.onEpoch?.(log);
    }
  } finally {
    optimizer.dispose();
    await pool.close();
  }
  return logs;
}

/** The model's scores for every image of `set`, one row of {@link LABELS}.length per image, in row order. */
export async function predictScores(
  model: tf.LayersModel,
  set: ImageSet,
  batchSize = 64,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  const order = Array.from({ length: set.rows.length }, (_, i) => i);
  for (const indices of batches(order, batchSize)) {
    const { xs, ys } = batchTensors(set, indices);
    const scores = model.predict(xs) as tf.Tensor;
    const values = await scores.data<"float32">();
    tf.dispose([xs, ys, scores]);
    for (let i = 0; i < indices.length; i++) {
      rows.push(values.slice(i * LABELS.length, (i + 1) * LABELS.length));
    }
  }
  return rows;
}
