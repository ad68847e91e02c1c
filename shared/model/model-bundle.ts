import { createHash } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import { BadModelError } from "../errors.js";
import type { BundleReader } from "./bundle-reader.js";
import { parseLensConfig, type LensConfig } from "./lens-config.js";
import { finalActivation } from "./output-model.js";

/** A loaded model bundle: a TF.js layers model and its validated lens.json. */
export interface ModelBundle {
  /** The model's id (`name` in lens.json). */
  readonly id: string;
  /** sha256 of lens.json, model.json and the weight shards, in that order. */
  readonly hash: string;
  readonly location: string;
  readonly config: LensConfig;
  readonly model: tf.LayersModel;
  /** The raw topology and weights, to load the same model again in another thread. */
  readonly artifacts: tf.io.ModelArtifacts;
}

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Loads and validates a bundle: lens.json, model.json and its weight shards. */
export async function loadModelBundle(reader: BundleReader): Promise<ModelBundle> {
  const hash = createHash("sha256");
  const lensBytes = await reader.read("lens.json");
  const config = parseLensConfig(
    parseJson(lensBytes, `${reader.location}/lens.json`),
    `${reader.location}/lens.json`,
  );
  const modelBytes = await reader.read("model.json");
  const modelJson = parseJson(modelBytes, `${reader.location}/model.json`) as ModelJson;
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new BadModelError(
      `${reader.location}/model.json is not a TF.js layers model (it needs modelTopology and weightsManifest); ` +
        "convert Keras models with `cnn-lens model import` or tensorflowjs_converter --output_format tfjs_layers_model",
    );
  }
  hash.update(lensBytes).update(modelBytes);
  const shards: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) {
      const shard = await reader.read(path);
      hash.update(shard);
      shards.push(shard);
    }
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts["modelTopology"],
    weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
    weightData: concatenate(shards),
  };
  const model = await loadLayersModel(artifacts, reader.location);
  checkModelFitsLens(model, config, reader.location);
  return { id: config.name, hash: hash.digest("hex"), location: reader.location, config, model, artifacts };
}

/** Builds a layers model from in-memory artifacts. */
export async function loadLayersModel(
  artifacts: tf.io.ModelArtifacts,
  location = "model",
): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new BadModelError(`${location}: TF.js could not build the model: ${(error as Error).message}`);
  }
}

function checkModelFitsLens(model: tf.LayersModel, config: LensConfig, location: string): void {
  const problems: string[] = [];
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    problems.push(
      `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; cnn-lens needs one of each`,
    );
  } else {
    const [, height, width, channels] = model.inputs[0].shape;
    const { input } = config;
    if (height !== input.height || width !== input.width || channels !== input.channels) {
      problems.push(
        `the model takes [${height}, ${width}, ${channels}] but lens.json input says ` +
          `[${input.height}, ${input.width}, ${input.channels}]; make lens.json input match the model`,
      );
    }
    const units = model.outputs[0].shape[1];
    if (model.outputs[0].shape.length !== 2 || units !== config.labels.length) {
      problems.push(
        `the model outputs ${JSON.stringify(model.outputs[0].shape)} but lens.json has ${config.labels.length} labels; ` +
          "give one label per output unit",
      );
    }
    const activation = finalActivation(model);
    const expected = config.task === "multi-label" ? "sigmoid" : "softmax";
    if (activation !== expected) {
      problems.push(
        `a ${config.task} model must end in ${expected}, but this one ends in ${activation}; ` +
          `fix task in lens.json or the model's last activation`,
      );
    }
  }
  if (problems.length > 0) {
    throw new BadModelError(
      `${location} does not fit its lens.json:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

function parseJson(bytes: Uint8Array, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new BadModelError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

function concatenate(parts: readonly Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.byteLength;
  }
  return result.buffer;
}
