/**
 * The Keras layers the importer maps onto TF.js, and what it does with each of their options. Options are
 * Keras's own (snake_case, Keras 2 or Keras 3 names); the output is the Keras 2 form that tfjs-layers reads.
 */

/** What one option becomes: a TF.js option, a problem (unsupported), a warning, or nothing (ignored). */
export interface OptionOutcome {
  readonly set?: readonly [key: string, value: unknown];
  readonly problem?: string;
  readonly warning?: string;
}

/** Decides what becomes of one option's value; `key` is the option's Keras name. */
export type OptionRule = (value: unknown, key: string) => OptionOutcome;

/** How one Keras layer class maps onto TF.js. */
export interface LayerRule {
  /** The TF.js class, when its name differs from the Keras one. */
  readonly tfjsClass?: string;
  /** TF.js options set whatever the Keras config says. */
  readonly fixed?: Readonly<Record<string, unknown>>;
  readonly options: Readonly<Record<string, OptionRule>>;
}

const json = (value: unknown) => JSON.stringify(value);
const same = (a: unknown, b: unknown) => json(a) === json(b);
const unsupported = (key: string, value: unknown): OptionOutcome => ({
  problem: `uses unsupported option ${key}=${json(value)}`,
});

/** Passed to TF.js as it is (or under another name). */
const keep =
  (as?: string): OptionRule =>
  (value, key) => ({ set: [as ?? key, value] });

/** Has no effect on inference (initializers, regularizers, constraints, seeds). */
const ignore: OptionRule = () => ({});

/** Must be one of `allowed` (compared as JSON); a default is left to TF.js. */
const only =
  (...allowed: readonly unknown[]): OptionRule =>
  (value, key) =>
    allowed.some((a) => same(a, value)) ? {} : unsupported(key, value);

/** Like {@link only}, and passed on to TF.js. */
const keepOnly =
  (...allowed: readonly unknown[]): OptionRule =>
  (value, key) =>
    allowed.some((a) => same(a, value)) ? { set: [key, value] } : unsupported(key, value);

/** The activations TF.js computes as Keras does, by Keras name → TF.js name. */
export const SUPPORTED_ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: "linear",
  relu: "relu",
  relu6: "relu6",
  sigmoid: "sigmoid",
  softmax: "softmax",
  tanh: "tanh",
  elu: "elu",
  selu: "selu",
  softplus: "softplus",
  softsign: "softsign",
  swish: "swish",
  silu: "swish",
};

/** A Keras activation: a name, or (Keras 3) `{class_name: "function", config: name}`. */
const activation: OptionRule = (value, key) => {
  const name =
    typeof value === "string"
      ? value
      : typeof value === "object" && value !== null && "config" in value && typeof value.config === "string"
        ? value.config
        : undefined;
  const tfjs = name === undefined ? undefined : SUPPORTED_ACTIVATIONS[name];
  return tfjs ? { set: [key, tfjs] } : unsupported(key, value);
};

/** Dilated convolutions run forward in TF.js 4.22, but their gradients do not. */
const dilation: OptionRule = (value, key) => {
  const dilated = (Array.isArray(value) ? value : [value]).some((rate) => rate !== 1);
  return {
    set: [key, value],
    ...(dilated
      ? {
          warning: `uses ${key}=${json(value)}: predictions work, but TF.js 4.22 cannot take gradients of dilated convolutions, so Integrated Gradients and Grad-CAM fail on this model`,
        }
      : {}),
  };
};

/** Keras 2 saves BatchNormalization's axis as a list of one. */
const axis: OptionRule = (value, key) => {
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return typeof single === "number" ? { set: [key, single] } : unsupported(key, value);
};

const channelsLast = only("channels_last", null);
const trainingOnly = (...names: string[]) => Object.fromEntries(names.map((name) => [name, ignore]));
const weightOptions = (...weights: string[]) =>
  trainingOnly(...weights.flatMap((w) => [`${w}_initializer`, `${w}_regularizer`, `${w}_constraint`]));

const convolution = {
  kernel_size: keep(),
  strides: keep(),
  padding: keepOnly("valid", "same"),
  data_format: channelsLast,
  dilation_rate: dilation,
  groups: only(1),
  activation,
  use_bias: keep(),
  activity_regularizer: ignore,
  ...weightOptions("bias"),
};

const pooling = {
  pool_size: keep(),
  strides: keep(),
  padding: keepOnly("valid", "same"),
  data_format: channelsLast,
};
const globalPooling = { data_format: channelsLast, keepdims: only(false) };
/** Noise layers are the identity at inference, as is TF.js's Dropout. */
const identityAtInference: LayerRule = {
  tfjsClass: "Dropout",
  fixed: { rate: 0 },
  options: { ...trainingOnly("rate", "seed", "stddev"), data_format: channelsLast },
};

/** A single number (TF.js has no per-channel Rescaling). */
const number: OptionRule = (value, key) =>
  typeof value === "number" ? { set: [key, value] } : unsupported(key, value);

/** Every supported Keras layer class. */
export const LAYER_RULES: Readonly<Record<string, LayerRule>> = {
  InputLayer: { options: { sparse: only(false), ragged: only(false), optional: only(false) } },
  Conv2D: { options: { filters: keep(), ...convolution, ...weightOptions("kernel") } },
  DepthwiseConv2D: {
    options: { depth_multiplier: keep(), ...convolution, ...weightOptions("depthwise", "kernel") },
  },
  SeparableConv2D: {
    options: {
      filters: keep(),
      depth_multiplier: keep(),
      ...convolution,
      ...weightOptions("depthwise", "pointwise", "kernel"),
    },
  },
  Dense: {
    options: {
      units: keep(),
      activation,
      use_bias: keep(),
      activity_regularizer: ignore,
      lora_rank: only(null),
      lora_alpha: ignore,
      quantization_config: only(null),
      ...weightOptions("kernel", "bias"),
    },
  },
  BatchNormalization: {
    options: {
      axis,
      momentum: keep(),
      epsilon: keep(),
      center: keep(),
      scale: keep(),
      renorm: only(false),
      virtual_batch_size: only(null),
      adjustment: only(null),
      ...trainingOnly("renorm_clipping", "renorm_momentum", "synchronized", "fused"),
      ...weightOptions("beta", "gamma", "moving_mean", "moving_variance"),
    },
  },
  MaxPooling2D: { options: pooling },
  AveragePooling2D: { options: pooling },
  GlobalAveragePooling2D: { options: globalPooling },
  GlobalMaxPooling2D: { options: globalPooling },
  Dropout: { options: { rate: keep(), noise_shape: only(null), seed: ignore } },
  SpatialDropout2D: identityAtInference,
  GaussianDropout: identityAtInference,
  GaussianNoise: identityAtInference,
  Flatten: { options: { data_format: channelsLast } },
  Activation: { options: { activation } },
  ReLU: { options: { max_value: keep(), negative_slope: only(0), threshold: only(0) } },
  LeakyReLU: { options: { alpha: keep("alpha"), negative_slope: keep("alpha") } },
  Softmax: {
    options: { axis: (value, key) => (same(value, -1) || same(value, [-1]) ? {} : unsupported(key, value)) },
  },
  Add: { options: {} },
  Multiply: { options: {} },
  Average: { options: {} },
  Maximum: { options: {} },
  Minimum: { options: {} },
  Concatenate: { options: { axis: keep() } },
  ZeroPadding2D: { options: { padding: keep(), data_format: channelsLast } },
  Rescaling: { options: { scale: number, offset: number } },
  Reshape: { options: { target_shape: keep() } },
};

/** The class names of every supported layer, for messages and the README. */
export const SUPPORTED_LAYERS = Object.keys(LAYER_RULES).filter((name) => name !== "InputLayer");
