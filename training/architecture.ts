import * as tf from "@tensorflow/tfjs";
import { LABELS } from "./labels.js";
import { SeededRandom } from "./random.js";

/** Model input = pixel (0..255) × INPUT_SCALE, as lens.json's `input.scale` says. */
export const INPUT_SCALE = 1 / 255;

/** The shape of the CNN: the seed notebook's Conv-BN-Pool blocks, a dense head and sigmoid outputs. */
export interface Architecture {
  /** Input side in pixels (square, RGB, scaled by 1/255). */
  readonly size: number;
  /** Filters of each 3×3 Conv2D (ReLU) → BatchNormalization → MaxPooling2D block. */
  readonly filters: readonly number[];
  /** How the last block reaches the dense head: `flatten` (as the seed) or global average pooling. */
  readonly head: "flatten" | "global-average";
  /** Units of the hidden Dense layer (ReLU). */
  readonly dense: number;
  /** Dropout rate before the hidden and the output Dense layers. */
  readonly dropout: number;
  /** Where BatchNormalization sits in a block: before pooling (the seed) or after it (4× less work). */
  readonly order?: "conv-bn-pool" | "conv-pool-bn";
  /** The stride of the first Conv2D: 2 halves the resolution before any work at full size. @default 1 */
  readonly firstStride?: 1 | 2;
  /** BatchNormalization's moving-average momentum (Keras and tfjs default to 0.99). */
  readonly momentum?: number;
}

/** The bundled model's architecture. */
export const DEFAULT_ARCHITECTURE: Architecture = {
  size: 128,
  filters: [16, 32, 64, 128],
  head: "global-average",
  dense: 64,
  dropout: 0.3,
  order: "conv-pool-bn",
  firstStride: 2,
  momentum: 0.9,
};

/** How to build it. */
export interface BuildOptions {
  /** Seeds every kernel initializer (and, for training, the dropout masks). */
  readonly seed: number;
  /**
   * `training`: dropout draws a new seeded mask at every step (the stock Dropout layer, given a seed, repeats
   * the same mask every step, and without one draws from Math.random). `serving`: stock Dropout layers, so that
   * the saved model loads anywhere; the two variants have the same weights in the same order.
   */
  readonly variant?: "training" | "serving";
}

/**
 * Dropout whose mask is seeded and different at every training call: the seeds come from one {@link SeededRandom}.
 * Identity at inference. Used only while training; the saved model has stock Dropout layers.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = "SeededDropout";
  private readonly rate: number;
  private readonly random: SeededRandom;

  constructor(args: { rate: number; seed: number; name?: string }) {
    super({ name: args.name });
    this.rate = args.rate;
    this.random = new SeededRandom(args.seed);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate === 0) return input;
    const seed = this.random.uint32();
    return tf.tidy(() => {
      const keep = 1 - this.rate;
      const mask = tf.floor(tf.add(tf.randomUniform(input.shape, 0, 1, "float32", seed), keep));
      return tf.mul(input, tf.div(mask, keep));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** The multi-label CNN: outputs one sigmoid score per label of {@link LABELS}, in that order. */
export function buildModel(architecture: Architecture, options: BuildOptions): tf.Sequential {
  const random = new SeededRandom(options.seed);
  const kernelInitializer = () => tf.initializers.glorotUniform({ seed: random.uint32() });
  const dropout = (name: string) =>
    options.variant === "training"
      ? new SeededDropout({ rate: architecture.dropout, seed: random.uint32(), name })
      : tf.layers.dropout({ rate: architecture.dropout, name });
  const { size } = architecture;
  const layers: tf.layers.Layer[] = [];
  architecture.filters.forEach((filters, i) => {
    const block = i + 1;
    const conv = tf.layers.conv2d({
      ...(i === 0 ? { inputShape: [size, size, 3] } : {}),
      name: `conv${block}`,
      filters,
      kernelSize: 3,
      strides: i === 0 ? (architecture.firstStride ?? 1) : 1,
      padding: "same",
      activation: "relu",
      kernelInitializer: kernelInitializer(),
    });
    const bn = tf.layers.batchNormalization({ name: `bn${block}`, momentum: architecture.momentum ?? 0.99 });
    const pool = tf.layers.maxPooling2d({ name: `pool${block}`, poolSize: 2 });
    layers.push(...(architecture.order === "conv-pool-bn" ? [conv, pool, bn] : [conv, bn, pool]));
  });
  layers.push(
    architecture.head === "flatten"
      ? tf.layers.flatten({ name: "flatten" })
      : tf.layers.globalAveragePooling2d({ name: "global_average" }),
    dropout("dropout1"),
    tf.layers.dense({
      name: "dense",
      units: architecture.dense,
      activation: "relu",
      kernelInitializer: kernelInitializer(),
    }),
    dropout("dropout2"),
    tf.layers.dense({
      name: "scores",
      units: LABELS.length,
      activation: "sigmoid",
      kernelInitializer: kernelInitializer(),
    }),
  );
  return tf.sequential({ name: "apple_leaf_cnn", layers });
}

/** The serving model (stock Dropout layers) with the trained model's weights. */
export function servingCopy(trained: tf.LayersModel, architecture: Architecture): tf.Sequential {
  const serving = buildModel(architecture, { seed: 0, variant: "serving" });
  serving.setWeights(trained.getWeights());
  return serving;
}
