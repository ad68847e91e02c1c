import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import {
  buildModel,
  DEFAULT_ARCHITECTURE,
  SeededDropout,
  servingCopy,
  type Architecture,
} from "../../training/architecture.js";
import { LABELS } from "../../training/labels.js";

beforeAll(async () => {
  await initBackend("wasm");
});

describe("the CNN", () => {
  it("is Conv2D/MaxPooling2D/BatchNormalization blocks, then global average pooling, Dropout and Dense, ending in 5 sigmoids", () => {
    const model = buildModel(DEFAULT_ARCHITECTURE, { seed: 1 });
    const types = model.layers.map((l) => l.getClassName());
    const blocks = DEFAULT_ARCHITECTURE.filters.length;
    expect(types).toEqual([
      ...Array.from({ length: blocks }, () => ["Conv2D", "MaxPooling2D", "BatchNormalization"]).flat(),
      "GlobalAveragePooling2D",
      "Dropout",
      "Dense",
      "Dropout",
      "Dense",
    ]);
    expect(DEFAULT_ARCHITECTURE.size).toBeGreaterThanOrEqual(128);
    expect(model.inputs[0].shape).toEqual([null, DEFAULT_ARCHITECTURE.size, DEFAULT_ARCHITECTURE.size, 3]);
    expect(model.outputs[0].shape).toEqual([null, LABELS.length]);
    expect(LABELS).toEqual(["scab", "frog_eye_leaf_spot", "rust", "complex", "powdery_mildew"]);
    const last = model.layers[model.layers.length - 1].getConfig();
    expect(last.activation).toBe("sigmoid");
    const out = model.predict(
      tf.zeros([2, DEFAULT_ARCHITECTURE.size, DEFAULT_ARCHITECTURE.size, 3]),
    ) as tf.Tensor;
    expect(out.shape).toEqual([2, 5]);
    const values = out.dataSync();
    expect(Array.from(values).every((v) => v > 0 && v < 1)).toBe(true);
    tf.dispose(out);
    model.dispose();
  });

  it("starts from the same weights for the same seed, and from other weights for another", () => {
    const small: Architecture = { ...DEFAULT_ARCHITECTURE, size: 16, filters: [4, 8], dense: 8 };
    const a = buildModel(small, { seed: 5 }).getWeights()[0].dataSync();
    const b = buildModel(small, { seed: 5 }).getWeights()[0].dataSync();
    const c = buildModel(small, { seed: 6 }).getWeights()[0].dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it("trains with seeded dropout that changes every step, and serves with stock Dropout and the same weights", () => {
    const small: Architecture = { ...DEFAULT_ARCHITECTURE, size: 16, filters: [4], dense: 8, dropout: 0.5 };
    const training = buildModel(small, { seed: 3, variant: "training" });
    expect(training.layers.filter((l) => l instanceof SeededDropout)).toHaveLength(2);
    const dropout = training.layers.find((l) => l instanceof SeededDropout) as SeededDropout;
    const ones = tf.ones([1, 64]);
    const first = (dropout.apply(ones, { training: true }) as tf.Tensor).dataSync();
    const second = (dropout.apply(ones, { training: true }) as tf.Tensor).dataSync();
    expect(Array.from(first)).not.toEqual(Array.from(second));
    expect(new Set([...first, ...second])).toEqual(new Set([0, 2]));
    expect(Array.from((dropout.apply(ones) as tf.Tensor).dataSync())).toEqual(Array(64).fill(1));

    const serving = servingCopy(training, small);
    expect(serving.layers.map((l) => l.getClassName())).toContain("Dropout");
    const x = tf.randomUniform([3, 16, 16, 3], 0, 1, "float32", 9);
    const expected = (training.predict(x) as tf.Tensor).dataSync();
    const actual = (serving.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });
});
