import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { modelArtifactsOf } from "../../shared/engine/model-artifacts.js";
import { layersToRandomize, randomizedCopy, randomizeWeights } from "../../evaluation/randomize-model.js";
import { initBackend } from "../../shared/engine/backend.js";
import { loadLayersModel } from "../../shared/model/model-bundle.js";
import { seedLikeCnn } from "../fixtures/models.js";

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

beforeAll(async () => {
  await initBackend("auto");
});

describe("model randomization", () => {
  it("changes every learnt weight, deterministically for a seed, and leaves the model alone", async () => {
    const model = seedLikeCnn();
    const before = weightsOf(model);
    const a = await randomizedCopy(model, { seed: 11 });
    const b = await randomizedCopy(model, { seed: 11 });
    const c = await randomizedCopy(model, { seed: 12 });
    expect(weightsOf(model)).toEqual(before);
    expect(weightsOf(a)).toEqual(weightsOf(b));
    const names = model.weights.map((w) => w.originalName);
    const [original, first, other] = [before, weightsOf(a), weightsOf(c)];
    for (const [i, name] of names.entries()) {
      if (name.endsWith("/kernel")) {
        expect(first[i], name).not.toEqual(original[i]);
        expect(first[i], name).not.toEqual(other[i]);
      }
    }
    // BatchNormalization goes back to its initializers (the fixture's are random).
    const gamma = names.indexOf("bn1/gamma");
    const variance = names.indexOf("bn1/moving_variance");
    expect(original[gamma].every((v) => v === 1)).toBe(false);
    expect(first[gamma].every((v) => v === 1)).toBe(true);
    expect(first[variance].every((v) => v === 1)).toBe(true);
  });

  it("draws kernels from the layer's own initializer (Glorot-uniform bounds)", async () => {
    const model = seedLikeCnn();
    const copy = await randomizedCopy(model, { seed: 3 });
    const kernel = copy.getLayer("conv2").getWeights()[0];
    const [kh, kw, inputs, filters] = kernel.shape;
    const limit = Math.sqrt(6 / (kh * kw * inputs + kh * kw * filters));
    const values = Array.from(kernel.dataSync());
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.8 * limit);
  });

  it("cascades from the top: N layers randomizes only the last N layers with weights", async () => {
    const model = seedLikeCnn();
    expect(layersToRandomize(model, 2).map((l) => l.name)).toEqual(["dense1", "scores"]);
    expect(layersToRandomize(model).map((l) => l.name)).toEqual([
      "conv1",
      "bn1",
      "conv2",
      "bn2",
      "dense1",
      "scores",
    ]);
    const copy = await loadLayersModel(await modelArtifactsOf(model));
    expect(randomizeWeights(copy, { seed: 5, layers: 1 })).toEqual(["scores"]);
    for (const layer of model.layers) {
      const original = layer.getWeights().map((w) => Array.from(w.dataSync()));
      const changed = copy
        .getLayer(layer.name)
        .getWeights()
        .map((w) => Array.from(w.dataSync()));
      if (layer.name === "scores") expect(changed[0]).not.toEqual(original[0]);
      else expect(changed).toEqual(original);
    }
    expect(() => layersToRandomize(model, -1)).toThrow(RangeError);
  });

  it("its artifacts rebuild the same randomized model (for gradient threads)", async () => {
    const copy = await randomizedCopy(seedLikeCnn(), { seed: 9 });
    const rebuilt = await loadLayersModel(await modelArtifactsOf(copy));
    expect(weightsOf(rebuilt)).toEqual(weightsOf(copy));
  });
});
