import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelArtifactsOf } from "../engine/model-artifacts.js";
import { parseLensConfig, type LensConfigInput } from "./lens-config.js";

/** Writes `model` and its lens.json as a bundle folder: model.json, weights.bin and lens.json. */
export async function saveModelBundle(
  model: tf.LayersModel,
  lens: LensConfigInput,
  folder: string,
): Promise<void> {
  const config = parseLensConfig(lens);
  await mkdir(folder, { recursive: true });
  const artifacts = await modelArtifactsOf(model);
  const modelJson = {
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: "cnn-lens",
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
  };
  await writeFile(join(folder, "weights.bin"), new Uint8Array(artifacts.weightData as ArrayBuffer));
  await writeFile(join(folder, "model.json"), JSON.stringify(modelJson));
  await writeFile(join(folder, "lens.json"), `${JSON.stringify(config, null, 2)}\n`);
}
