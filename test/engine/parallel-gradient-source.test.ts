import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import type { GradientSource, PathPoint } from "../../shared/engine/gradient-source.js";
import { modelArtifactsOf } from "../../shared/engine/model-artifacts.js";
import { createParallelGradientSource } from "../../shared/engine/parallel-gradient-source.js";
import { createTensorGradientSource } from "../../shared/engine/tensor-gradient-source.js";
import { explainedFunction } from "../../shared/engine/explained-function.js";
import { seedLikeCnn } from "../fixtures/models.js";

const BACKEND = "wasm";
let model: tf.LayersModel;
let parallel: GradientSource;
let local: GradientSource;

beforeAll(async () => {
  await initBackend(BACKEND);
  model = seedLikeCnn(16);
  local = createTensorGradientSource(explainedFunction(model), [16, 16, 3], { batchSize: 4 });
  parallel = await createParallelGradientSource(
    {
      artifacts: await modelArtifactsOf(model),
      inputShape: [16, 16, 3],
      backend: BACKEND,
      batchSize: 4,
    },
    2,
  );
});

afterAll(async () => {
  await parallel.dispose();
});

describe("createParallelGradientSource", () => {
  const input = Float32Array.from({ length: 16 * 16 * 3 }, (_, i) => (Math.sin(i) + 1) / 2);
  const baseline = new Float32Array(input.length);

  it("gives the same outputs as the model in this thread", async () => {
    const [fromThreads] = await parallel.outputs([input]);
    const [here] = await local.outputs([input]);
    expect(Array.from(fromThreads)).toEqual(Array.from(here));
  });

  it("gives the same gradient sums as one thread, whatever the split", async () => {
    const points: PathPoint[] = [0.1, 0.3, 0.5, 0.7, 0.9].flatMap((alpha) => [
      { alpha, weight: 0.2, target: 0 },
      { alpha, weight: 0.2, target: 3 },
    ]);
    const fromThreads = await parallel.weightedGradientSums(input, baseline, points);
    const here = await local.weightedGradientSums(input, baseline, points);
    expect([...fromThreads.keys()].sort()).toEqual([0, 3]);
    for (const target of [0, 3]) {
      const a = fromThreads.get(target) as Float32Array;
      const b = here.get(target) as Float32Array;
      const scale = Math.max(...b.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5 * scale);
    }
  });

  it("takes TensorFlow's gradients in its threads: global max pooling splits ties", async () => {
    // On a black image every pixel ties for each channel's max, so each gets 1/(4·4) of that channel's gradient.
    const pooled = tf.sequential({
      layers: [
        tf.layers.globalMaxPooling2d({ inputShape: [4, 4, 2] }),
        tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: "glorotNormal" }),
      ],
    });
    const threads = await createParallelGradientSource(
      {
        artifacts: await modelArtifactsOf(pooled),
        inputShape: [4, 4, 2],
        backend: BACKEND,
        batchSize: 1,
      },
      1,
    );
    try {
      const black = new Float32Array(4 * 4 * 2);
      const sums = await threads.weightedGradientSums(black, black, [{ alpha: 0, weight: 1, target: 1 }]);
      const perChannel = tf.tidy(() =>
        tf
          .grad((features: tf.Tensor) =>
            tf.sum(tf.mul(pooled.layers[1].apply(features) as tf.Tensor, tf.oneHot([1], 3))),
          )(tf.zeros([1, 2]))
          .dataSync(),
      );
      expect(Math.max(...perChannel.map(Math.abs))).toBeGreaterThan(1e-3);
      (sums.get(1) as Float32Array).forEach((value, i) =>
        expect(value).toBeCloseTo(perChannel[i % 2] / 16, 7),
      );
    } finally {
      await threads.dispose();
      pooled.dispose();
    }
  });

  it("reports a failure in a thread as an error", async () => {
    await expect(parallel.outputs([new Float32Array(5)])).rejects.toThrow(/gradient thread failed/);
  });
});
