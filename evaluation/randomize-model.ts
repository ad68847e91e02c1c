import * as tf from "@tensorflow/tfjs";
import { modelArtifactsOf } from "../shared/engine/model-artifacts.js";
import { loadLayersModel, type ModelBundle } from "../shared/model/model-bundle.js";

/**
 * Model randomization for the sanity check of Adebayo et al. 2018 (https://arxiv.org/abs/1810.03292): an
 * explanation that depends on what the model learnt must change when the learnt weights are replaced by
 * random ones. Each weight is drawn again from its layer's own initializer (as serialized in the model, e.g.
 * Glorot-uniform kernels, zero biases, BatchNormalization reset to γ = 1, β = 0, mean 0, variance 1), with a
 * seed derived from `seed`, the layer and the weight, so the same seed gives the same weights.
 */

/** Which layers to randomize. */
export interface RandomizeOptions {
  /** Any uint32. */
  readonly seed: number;
  /**
   * `all` (the default): every layer with weights, i.e. the model as it was before training, but for the seed.
   * A number N: only the top N layers with weights, from the output down (one step of Adebayo's cascade).
   */
  readonly layers?: "all" | number;
}

/** Initializer keys in layer configs, by the weight's own name where it is not `<name>Initializer`. */
const INITIALIZER_KEYS: Readonly<Record<string, string>> = {
  depthwise_kernel: "depthwiseInitializer",
  pointwise_kernel: "pointwiseInitializer",
};

/** The layers, in model order, that {@link randomizeWeights} would change for `layers`. */
export function layersToRandomize(model: tf.LayersModel, layers: "all" | number = "all"): tf.layers.Layer[] {
  const weighted = model.layers.filter((layer) => layer.weights.length > 0);
  if (layers === "all") return weighted;
  if (!(Number.isInteger(layers) && layers >= 0)) {
    throw new RangeError(`layers must be "all" or a whole number ≥ 0, got ${layers}`);
  }
  return layers === 0 ? [] : weighted.slice(-layers);
}

/** Replaces the weights of `model` in place (see the module comment); returns the names of the layers changed. */
export function randomizeWeights(model: tf.LayersModel, options: RandomizeOptions): string[] {
  const chosen = layersToRandomize(model, options.layers);
  for (const layer of chosen) {
    const layerIndex = model.layers.indexOf(layer);
    const config = layer.getConfig();
    const fresh = layer.weights.map((weight, w) => {
      const seed = mixSeed(options.seed, layerIndex, w);
      const shape = weight.shape.map((d) => d ?? 1);
      const key =
        INITIALIZER_KEYS[baseName(weight.originalName)] ??
        `${camelCase(baseName(weight.originalName))}Initializer`;
      const initializer = initializerFrom(config[key], seed);
      if (initializer) return initializer.apply(shape, weight.dtype);
      // No initializer named in the config: keep the weight's scale, lose what it learnt.
      const original = weight.read();
      const spread = tf.tidy(() => tf.moments(original).variance.sqrt().dataSync()[0]);
      return tf.randomNormal(shape, 0, spread > 0 ? spread : 0.05, "float32", seed);
    });
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
  return chosen.map((layer) => layer.name);
}

/** A randomized copy of `model`; the model itself is left as it is. */
export async function randomizedCopy(
  model: tf.LayersModel,
  options: RandomizeOptions,
): Promise<tf.LayersModel> {
  const copy = await loadLayersModel(await modelArtifactsOf(model), `${model.name} (copy)`);
  randomizeWeights(copy, options);
  return copy;
}

/**
 * A bundle like `bundle` whose model has randomized weights, with artifacts to match, so that gradient threads
 * (which rebuild the model from the artifacts) see the same randomized model. Its id ends in `-randomized`.
 */
export async function randomizedBundle(bundle: ModelBundle, options: RandomizeOptions): Promise<ModelBundle> {
  const model = await randomizedCopy(bundle.model, options);
  const artifacts = await modelArtifactsOf(model);
  return {
    ...bundle,
    id: `${bundle.id}-randomized`,
    hash: `${bundle.hash}:randomized:${options.layers ?? "all"}:${options.seed}`,
    model,
    artifacts,
  };
}

type InitializerFromConfig = (
  cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  config: tf.serialization.ConfigDict,
) => tf.serialization.Serializable;

/** What is needed of a tfjs initializer (its class is not exported). */
interface Initializer {
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
}

function initializerFrom(serialized: unknown, seed: number): Initializer | undefined {
  if (typeof serialized !== "object" || serialized === null) return undefined;
  const { className, config } = serialized as { className?: unknown; config?: unknown };
  if (typeof className !== "string") return undefined;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className] as
    | [tf.serialization.SerializableConstructor<tf.serialization.Serializable>, InitializerFromConfig]
    | undefined;
  if (!entry) return undefined;
  const [cls, fromConfig] = entry;
  const base = typeof config === "object" && config !== null ? (config as tf.serialization.ConfigDict) : {};
  const initializer = fromConfig(cls, {
    ...base,
    ...("seed" in base || SEEDED.has(className) ? { seed } : {}),
  });
  return typeof (initializer as Partial<Initializer>).apply === "function"
    ? (initializer as unknown as Initializer)
    : undefined;
}

/** Initializers that draw random numbers and take a seed. */
const SEEDED = new Set([
  "RandomUniform",
  "RandomNormal",
  "TruncatedNormal",
  "VarianceScaling",
  "GlorotUniform",
  "GlorotNormal",
  "HeNormal",
  "HeUniform",
  "LeCunNormal",
  "LeCunUniform",
  "Orthogonal",
]);

function baseName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** A uint32 seed for one weight, well mixed (splitmix-style) from the run's seed and the weight's place. */
function mixSeed(seed: number, layer: number, weight: number): number {
  let h = (seed ^ Math.imul(layer + 1, 0x9e3779b1) ^ Math.imul(weight + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
