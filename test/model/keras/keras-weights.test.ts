import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { describe, expect, it } from "vitest";
import { Hdf5File } from "../../../shared/model/keras/hdf5-file.js";
import { openKerasFile } from "../../../shared/model/keras/keras-file.js";
import { h5ModelWeights, kerasArchiveWeights, snakeCase } from "../../../shared/model/keras/keras-weights.js";
import { KERAS_FIXTURES } from "../../fixtures/keras-models.js";

const layers = [
  { name: "image", className: "InputLayer" },
  { name: "conv_a", className: "Conv2D" },
  { name: "bn_a", className: "BatchNormalization" },
  { name: "relu_a", className: "ReLU" },
  { name: "conv_b", className: "Conv2D" },
  { name: "bn_b", className: "BatchNormalization" },
  { name: "leaky", className: "LeakyReLU" },
];

describe("Keras weight layouts", () => {
  it("snake-cases class names as Keras does", () => {
    expect(
      ["Conv2D", "BatchNormalization", "ReLU", "LeakyReLU", "GlobalAveragePooling2D", "InputLayer"].map(
        snakeCase,
      ),
    ).toEqual([
      "conv2d",
      "batch_normalization",
      "re_lu",
      "leaky_re_lu",
      "global_average_pooling2d",
      "input_layer",
    ]);
  });

  it("finds the same BatchNorm statistics in the .keras archive, the Keras 3 .h5 and the Keras 2 .h5", async () => {
    const statistics: number[][][] = [];
    for (const file of ["skip_connection.keras", "skip_connection.legacy.h5", "skip_connection.h5"]) {
      const opened = await openKerasFile(join(KERAS_FIXTURES, file));
      const weights =
        opened.format === "keras"
          ? kerasArchiveWeights(opened.weights, layers)
          : h5ModelWeights(opened.weights);
      const bn = weights.forLayer("bn_b") ?? [];
      statistics.push(bn.map((array) => [...array.values]));
      expect(weights.forLayer("no_such_layer")).toBeUndefined();
      await opened.close();
    }
    expect(statistics[0]).toHaveLength(4);
    // gamma, beta, moving mean and moving variance are set, not Keras's initial 1, 0, 0, 1.
    expect(statistics[0][2].some((mean) => Math.abs(mean) > 0.05)).toBe(true);
    expect(statistics[1]).toEqual(statistics[0]);
    expect(statistics[2]).toEqual(statistics[0]);
  });

  it("falls back to Keras's snake-case keys, numbered in layer order, when vars groups carry no layer name", async () => {
    await h5wasm.ready;
    const path = join(await mkdtemp(join(tmpdir(), "cnn-lens-weights-")), "model.weights.h5");
    const written = new h5wasm.File(path, "w");
    for (const group of [
      "layers",
      "layers/conv2d",
      "layers/conv2d/vars",
      "layers/conv2d_1",
      "layers/conv2d_1/vars",
    ])
      written.create_group(group);
    written.create_dataset({ name: "layers/conv2d/vars/0", data: new Float32Array([1, 2]), shape: [2] });
    written.create_dataset({ name: "layers/conv2d_1/vars/0", data: new Float32Array([3]), shape: [1] });
    written.close();
    const file = await Hdf5File.open(path);
    const weights = kerasArchiveWeights(file, layers);
    expect(weights.forLayer("conv_a")?.map((a) => [...a.values])).toEqual([[1, 2]]);
    expect(weights.forLayer("conv_b")?.map((a) => [...a.values])).toEqual([[3]]);
    expect(weights.forLayer("bn_a")).toBeUndefined();
    file.close();
  });
});
