import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { initBackend } from "../../../shared/engine/backend.js";
import { BadModelError } from "../../../shared/errors.js";
import { integratedGradients } from "../../../shared/engine/integrated-gradients.js";
import { createTensorGradientSource } from "../../../shared/engine/tensor-gradient-source.js";
import { Hdf5File } from "../../../shared/model/keras/hdf5-file.js";
import { importKerasModel } from "../../../shared/model/keras/import-keras-model.js";
import { explainedFunction } from "../../../shared/engine/explained-function.js";
import {
  KERAS_FIXTURES,
  KERAS_FORMATS,
  kerasReferences,
  readFixtureNpy,
  type KerasReferences,
} from "../../fixtures/keras-models.js";
import { BACKEND_UNDER_TEST } from "../../backend-under-test.js";

let references: KerasReferences;
let inputs: { shape: number[]; values: Float32Array };

beforeAll(async () => {
  await initBackend(BACKEND_UNDER_TEST);
  references = await kerasReferences();
  inputs = await readFixtureNpy(references.inputs);
});

/** Model inputs from the fixture's uint8 pixels, scaled as lens.json does (pixel · 1/255). */
function modelInputs(): tf.Tensor4D {
  const [n, h, w, c] = inputs.shape;
  return tf.tensor4d(
    Float32Array.from(inputs.values, (pixel) => pixel * (1 / 255)),
    [n, h, w, c],
  );
}

/**
 * other_layers pads its average pooling and, on the black baseline, ties for its global max: TF.js's own
 * gradients of both differ from TensorFlow's (about 0.24 relative L2 of IG), and this holds only because
 * initBackend registers TensorFlow's (shared/engine/tf-compatible-gradients.ts).
 */
const cases = ["seed_like", "depthwise", "skip_connection", "other_layers"].flatMap((fixture) =>
  KERAS_FORMATS.map((format) => ({ fixture, format, igTolerance: 1e-3 })),
);

describe("importKerasModel, against TensorFlow's outputs", () => {
  it.each(cases)(
    "$fixture ($format): predictions within 1e-5 of TensorFlow's",
    async ({ fixture, format }) => {
      const reference = references.fixtures[fixture].formats[format];
      const { model, format: detected } = await importKerasModel(join(KERAS_FIXTURES, reference.file));
      expect(detected).toBe(format === "keras" ? "keras" : "h5");
      const before = tf.memory().numTensors;
      const x = modelInputs();
      const predictions = tf.tidy(() => explainedFunction(model)(x).arraySync());
      x.dispose();
      expect(tf.memory().numTensors).toBe(before);
      let maxDiff = 0;
      predictions.forEach((row, i) =>
        row.forEach(
          (score, j) => (maxDiff = Math.max(maxDiff, Math.abs(score - reference.predictions[i][j]))),
        ),
      );
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
      model.dispose();
    },
  );

  it.each(cases)(
    "$fixture ($format): Integrated Gradients (trapezoid, 240 steps, black) within $igTolerance relative L2 of the seed algorithm on TensorFlow",
    async ({ fixture, format, igTolerance }) => {
      const spec = references.fixtures[fixture];
      const reference = spec.formats[format];
      const { model } = await importKerasModel(join(KERAS_FIXTURES, reference.file));
      const size = inputs.values.length / inputs.shape[0];
      const offset = references.igInput * size;
      const input = Float32Array.from(
        inputs.values.subarray(offset, offset + size),
        (pixel) => pixel * (1 / 255),
      );
      const [height, width, channels] = inputs.shape.slice(1);
      const source = createTensorGradientSource(explainedFunction(model), [height, width, channels], {
        batchSize: 64,
      });
      const [result] = await integratedGradients(source, input, [new Float32Array(size)], {
        targets: [spec.igTarget],
        rule: "trapezoid",
        steps: references.igSteps,
      });
      const expected = (await readFixtureNpy(reference.ig)).values;
      let squaredError = 0;
      let squaredNorm = 0;
      for (let i = 0; i < size; i++) {
        squaredError += (result.attributions[i] - expected[i]) ** 2;
        squaredNorm += expected[i] ** 2;
      }
      expect(squaredNorm).toBeGreaterThan(0);
      expect(Math.sqrt(squaredError / squaredNorm)).toBeLessThanOrEqual(igTolerance);
      model.dispose();
    },
  );
});

describe("importKerasModel, on what does not fit or does not fully work", () => {
  /** The skip_connection archive with its config.json changed by `edit`. */
  async function editedArchive(edit: (config: string) => string): Promise<string> {
    const files = unzipSync(await readFile(join(KERAS_FIXTURES, "skip_connection.keras")));
    files["config.json"] = strToU8(edit(strFromU8(files["config.json"])));
    const path = join(await mkdtemp(join(tmpdir(), "cnn-lens-keras-test-")), "edited.keras");
    await writeFile(path, zipSync(files));
    return path;
  }

  it("names the layer and both shapes when a weight's shape does not fit the config", async () => {
    const path = await editedArchive((config) => config.replace('"filters": 12', '"filters": 10'));
    await expect(importKerasModel(path)).rejects.toThrow(
      'layer "conv_c": kernel has shape [3, 3, 16, 12] in the file, but the layer needs [3, 3, 16, 10]',
    );
  });

  it("names the unsupported layer type and the layer that uses it, and leaks no tensors", async () => {
    const before = tf.memory().numTensors;
    const path = await editedArchive((config) =>
      config.replace('"class_name": "LeakyReLU"', '"class_name": "PReLU"'),
    );
    await expect(importKerasModel(path)).rejects.toThrow('layer "leaky" uses unsupported layer type PReLU');
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(["skip_connection.keras", "skip_connection.h5"])(
    "%s: disposes the built model when reading its weights fails",
    async (file) => {
      // The first weight lookup of each layout (its list of layer groups, or whether model_weights exists)
      // fails as h5wasm does on a corrupted file.
      const method = file.endsWith(".keras") ? "keys" : "has";
      vi.spyOn(Hdf5File.prototype, method).mockImplementationOnce(() => {
        throw new BadModelError("cannot read the weights: corrupted HDF5");
      });
      const before = tf.memory().numTensors;
      try {
        await expect(importKerasModel(join(KERAS_FIXTURES, file))).rejects.toThrow("corrupted HDF5");
      } finally {
        vi.restoreAllMocks();
      }
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it("refuses a file that is not a Keras model, saying how to save one", async () => {
    await expect(importKerasModel(join(KERAS_FIXTURES, "references.json"))).rejects.toThrow(
      /neither a Keras 3 \.keras archive nor an HDF5 \.h5 model; in Keras, save it with model\.save/,
    );
  });
});
