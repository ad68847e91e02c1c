import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import { buildModel, DEFAULT_ARCHITECTURE, type Architecture } from "../../training/architecture.js";
import type { ImageSet } from "../../training/dataset-loader.js";
import { computeStep, setWeightArrays, weightArrays } from "../../training/gradient-step.js";
import { combine, workerStepPool, type StepPool } from "../../training/step-pool.js";
import { trainModel } from "../../training/trainer.js";

const architecture: Architecture = {
  ...DEFAULT_ARCHITECTURE,
  size: 16,
  filters: [4, 8],
  dense: 8,
  dropout: 0,
};

/** Eight seeded random 16×16 images with random labels. */
const set: ImageSet = (() => {
  let state = 12345;
  const next = () => (state = (state * 16807) % 2147483647) / 2147483647;
  return {
    rows: Array.from({ length: 8 }, (_, i) => ({ image: `${i}.jpg`, labels: "" })),
    size: 16,
    pixels: Uint8Array.from({ length: 8 * 16 * 16 * 3 }, () => Math.floor(next() * 256)),
    targets: Float32Array.from({ length: 8 * 5 }, () => (next() < 0.4 ? 1 : 0)),
  };
})();

let pool: StepPool | undefined;

beforeAll(async () => {
  await initBackend("wasm");
});

afterAll(async () => {
  await pool?.close();
});

describe("data-parallel steps", () => {
  it("give the size-weighted mean of the threads' gradients and statistics", async () => {
    const model = buildModel(architecture, { seed: 11, variant: "training" });
    const weights = await weightArrays(model);
    const first = await computeStep(model, set, [0, 1, 2, 3]);
    setWeightArrays(model, weights);
    const second = await computeStep(model, set, [4, 5, 6, 7]);
    const expected = combine([first, second]);
    expect(expected.count).toBe(8);
    expect(expected.loss).toBeCloseTo((first.loss + second.loss) / 2, 6);

    pool = workerStepPool(architecture, set, { threads: 2, seed: 1 });
    const actual = await pool.step(weights, [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(actual.loss).toBeCloseTo(expected.loss, 5);
    expect(actual.gradients).toHaveLength(model.trainableWeights.length);
    expect(actual.state).toHaveLength(model.nonTrainableWeights.length);
    actual.gradients.forEach((g, k) =>
      g.forEach((value, i) => expect(value).toBeCloseTo(expected.gradients[k][i], 5)),
    );
    actual.state.forEach((s, k) =>
      s.forEach((value, i) => expect(value).toBeCloseTo(expected.state[k][i], 5)),
    );
    model.dispose();
  });

  it("trains in this thread to the same weights every time (seeded order, augmentation, dropout)", async () => {
    const run = async () => {
      const model = buildModel({ ...architecture, dropout: 0.3 }, { seed: 2, variant: "training" });
      const logs = await trainModel(model, { ...architecture, dropout: 0.3 }, set, {
        epochs: 2,
        batchSize: 4,
        learningRate: 1e-2,
        finalLearningRate: 1e-3,
        seed: 5,
        augment: true,
        threads: 0,
      });
      const weights = tf.tidy(() =>
        Array.from(tf.concat(model.getWeights().map((w) => w.flatten())).dataSync()),
      );
      model.dispose();
      return { logs, weights };
    };
    const a = await run();
    const b = await run();
    expect(a.logs.map((l) => l.loss)).toEqual(b.logs.map((l) => l.loss));
    expect(a.logs[1].learningRate).toBeCloseTo(1e-3, 12);
    expect(a.weights).toEqual(b.weights);
  });
});
