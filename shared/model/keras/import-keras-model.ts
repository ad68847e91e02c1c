import * as tf from "@tensorflow/tfjs";
import { BadModelError } from "../../errors.js";
import type { Hdf5Array } from "./hdf5-file.js";
import { openKerasFile, type KerasFormat } from "./keras-file.js";
import { convertKerasTopology } from "./keras-topology.js";
import { h5ModelWeights, kerasArchiveWeights, type KerasWeights } from "./keras-weights.js";

/** What `tf.models.modelFromJSON` reads: `{modelTopology}` in the Keras 2 JSON form. */
type ModelAndWeightsConfig = Parameters<typeof tf.models.modelFromJSON>[0];

/** A Keras model rebuilt as a TF.js layers model, with its weights. */
export interface ImportedKerasModel {
  readonly model: tf.LayersModel;
  readonly format: KerasFormat;
  readonly kerasVersion: string | undefined;
  /** What imported but does not fully work in cnn-lens. */
  readonly warnings: readonly string[];
}

/**
 * Imports a Keras `.keras` or `.h5` model: maps its config onto TF.js layers and assigns every layer's weights,
 * checking their count and shapes. Unsupported layers and options, and weights that do not fit, are reported in
 * one {@link BadModelError}.
 */
export async function importKerasModel(path: string): Promise<ImportedKerasModel> {
  const file = await openKerasFile(path);
  try {
    const topology = convertKerasTopology(file.modelConfig, path, file.kerasVersion);
    let model: tf.LayersModel;
    try {
      const config = { modelTopology: topology.modelTopology } as unknown as ModelAndWeightsConfig;
      model = await tf.models.modelFromJSON(config);
    } catch (error) {
      throw new BadModelError(`${path}: TF.js could not build the model: ${(error as Error).message}`);
    }
    try {
      const weights =
        file.format === "keras"
          ? kerasArchiveWeights(file.weights, topology.layers)
          : h5ModelWeights(file.weights);
      assignWeights(model, weights, path);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return {
      model,
      format: file.format,
      kerasVersion: file.kerasVersion,
      warnings: topology.warnings,
    };
  } finally {
    await file.close();
  }
}

/** Sets each layer's weights from the file, in order, after checking that their number and shapes fit. */
function assignWeights(model: tf.LayersModel, weights: KerasWeights, path: string): void {
  const problems: string[] = [];
  const assignments: [tf.layers.Layer, Hdf5Array[]][] = [];
  for (const layer of model.layers) {
    const expected = layer.weights;
    if (expected.length === 0) continue;
    const arrays = weights.forLayer(layer.name);
    if (!arrays) {
      problems.push(`layer "${layer.name}" needs ${expected.length} weights, but the file has none for it`);
      continue;
    }
    if (arrays.length !== expected.length) {
      problems.push(
        `layer "${layer.name}" needs ${expected.length} weights (${expected.map((w) => shortName(w.originalName)).join(", ")}), ` +
          `but the file has ${arrays.length}`,
      );
      continue;
    }
    const misfits = expected.flatMap((weight, i) =>
      sameShape(weight.shape, arrays[i].shape)
        ? []
        : [
            `layer "${layer.name}": ${shortName(weight.originalName)} has shape [${arrays[i].shape.join(", ")}] in the file, ` +
              `but the layer needs [${weight.shape.join(", ")}]`,
          ],
    );
    problems.push(...misfits);
    if (misfits.length === 0) assignments.push([layer, arrays]);
  }
  if (problems.length > 0) {
    throw new BadModelError(
      `${path}: the weights do not fit the model:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  for (const [layer, arrays] of assignments) {
    const tensors = arrays.map((array) => tf.tensor(array.values, [...array.shape]));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}

function sameShape(a: readonly (number | null)[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

/** `conv1/kernel` → `kernel`. */
function shortName(name: string): string {
  return name.split("/").at(-1) ?? name;
}
