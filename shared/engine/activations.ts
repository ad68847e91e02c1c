import * as tf from "@tensorflow/tfjs";
import { BadInputError } from "../errors.js";

/** How many of the strongest channels each layer lists. */
export const TOP_CHANNELS = 5;

/** Statistics of one channel of a layer's output. */
export interface ChannelStats {
  readonly mean: number;
  readonly max: number;
  /** The share of positions where the channel is above zero. */
  readonly fractionActive: number;
}

/** One layer's output for one image. */
export interface LayerActivation {
  readonly layer: string;
  readonly className: string;
  /** The output shape without the batch axis: [height, width, channels] or [units]. */
  readonly shape: readonly number[];
  /** Flat HWC values; a dense output is read as 1×1 with `units` channels. */
  readonly values: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly stats: readonly ChannelStats[];
  /** Channel indices with the highest mean activation, strongest first. */
  readonly topChannels: readonly number[];
}

/**
 * The outputs of the first `selection` layers (the seed notebook plots the first 10) or of the layers named,
 * for one model input `[1, h, w, c]`. Input layers are skipped: they are the image, not an activation.
 */
export function layerActivations(
  model: tf.LayersModel,
  input: tf.Tensor4D,
  selection: number | readonly string[],
): LayerActivation[] {
  const layers = selectLayers(model, selection);
  if (layers.length === 0) return [];
  const probe = tf.model({
    inputs: model.inputs,
    outputs: layers.map((layer) => layer.output as tf.SymbolicTensor),
  });
  const outputs = tf.tidy(() => {
    const result = probe.predict(input);
    return Array.isArray(result) ? result : [result];
  });
  try {
    return layers.map((layer, i) => describe(layer, outputs[i]));
  } finally {
    tf.dispose(outputs);
  }
}

function selectLayers(model: tf.LayersModel, selection: number | readonly string[]): tf.layers.Layer[] {
  const layers = model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
  if (typeof selection === "number") return layers.slice(0, selection);
  const unknown = selection.filter((name) => !layers.some((layer) => layer.name === name));
  if (unknown.length > 0) {
    throw new BadInputError(
      `unknown layer ${unknown.map((n) => JSON.stringify(n)).join(", ")}; the model's layers are ${layers.map((l) => l.name).join(", ")}`,
    );
  }
  return selection.map((name) => layers.find((layer) => layer.name === name) as tf.layers.Layer);
}

function describe(layer: tf.layers.Layer, output: tf.Tensor): LayerActivation {
  const shape = output.shape.slice(1);
  const [height, width, channels] = shape.length === 3 ? shape : [1, 1, shape.reduce((a, b) => a * b, 1)];
  const values = output.dataSync() as Float32Array;
  const stats = channelStats(values, height * width, channels);
  const topChannels = stats
    .map((stat, channel) => ({ channel, mean: stat.mean }))
    .sort((a, b) => b.mean - a.mean || a.channel - b.channel)
    .slice(0, TOP_CHANNELS)
    .map(({ channel }) => channel);
  return {
    layer: layer.name,
    className: layer.getClassName(),
    shape,
    values,
    height,
    width,
    channels,
    stats,
    topChannels,
  };
}

/** Mean, max and share above zero of each channel of flat HWC `values`. */
export function channelStats(values: Float32Array, positions: number, channels: number): ChannelStats[] {
  const sums = new Float64Array(channels);
  const maxima = new Float64Array(channels).fill(-Infinity);
  const active = new Float64Array(channels);
  for (let p = 0; p < positions; p++) {
    for (let c = 0; c < channels; c++) {
      const value = values[p * channels + c];
      sums[c] += value;
      if (value > maxima[c]) maxima[c] = value;
      if (value > 0) active[c]++;
    }
  }
  return Array.from({ length: channels }, (_, c) => ({
    mean: sums[c] / positions,
    max: maxima[c],
    fractionActive: active[c] / positions,
  }));
}
