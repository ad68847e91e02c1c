import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import { gradCam, lastConvolutionLayer } from "../../shared/engine/grad-cam.js";
import { BACKEND_UNDER_TEST } from "../backend-under-test.js";

beforeAll(async () => {
  await initBackend(BACKEND_UNDER_TEST);
});

/**
 * A model whose Grad-CAM has a closed form: x [4, 4, 1] → 1×1 convolution with filter w (2 channels, linear, no
 * bias) → global average pooling → dense V (linear, no bias). Then y_t = Σ_k V[k][t] · mean(w_k · x), so
 * ∂y_t/∂A_k = V[k][t] / 16 everywhere, α_k = V[k][t] / 16, and the map is ReLU(c_t · x) with
 * c_t = Σ_k V[k][t] w_k / 16, at the input's size already (no resampling), scaled to a maximum of 1.
 */
function analyticModel(w: readonly number[], v: readonly (readonly number[])[]): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 1] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false, name: "features" });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv.apply(input)) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 2, useBias: false });
  const model = tf.model({ inputs: input, outputs: dense.apply(pooled) as tf.SymbolicTensor });
  conv.setWeights([tf.tensor4d(w as number[], [1, 1, 1, 2])]);
  dense.setWeights([tf.tensor2d(v as number[][])]);
  return model;
}

function maxDifference(actual: ArrayLike<number>, expected: readonly number[]): number {
  return Math.max(...Array.from(actual, (value, i) => Math.abs(value - (expected[i] ?? Number.NaN))));
}

/** ReLU(c · x) scaled so its maximum is 1, or zeros. */
function expectedMap(c: number, x: readonly number[]): number[] {
  const cam = x.map((value) => Math.max(0, c * value));
  const max = Math.max(...cam);
  return cam.map((value) => (max > 0 ? value / max : 0));
}

describe("gradCam", () => {
  const x = Array.from({ length: 16 }, (_, i) => Math.sin(i * 1.7) * (1 + i / 8));
  const w = [0.5, -1.5];
  const v = [
    [2, 1],
    [0.25, 1],
  ];
  // c_0 = (2·0.5 + 0.25·(−1.5)) / 16 > 0 and c_1 = (1·0.5 + 1·(−1.5)) / 16 < 0.
  const c = [0, 1].map((t) => (v[0][t] * w[0] + v[1][t] * w[1]) / 16);

  it("matches the closed form for each target, in one call, on the last convolution layer", () => {
    const model = analyticModel(w, v);
    const input = tf.tensor4d(x, [1, 4, 4, 1]);
    const { layer, height, width, maps } = gradCam(model, input, [0, 1]);
    expect({ layer, height, width }).toEqual({ layer: "features", height: 4, width: 4 });
    expect(c[0]).toBeGreaterThan(0);
    expect(c[1]).toBeLessThan(0);
    maps.forEach((map, t) => expect(maxDifference(map, expectedMap(c[t] ?? 0, x))).toBeLessThan(1e-5));
    input.dispose();
  });

  it("weighs each channel by the mean of its gradient over positions (a dense head, gradients that vary)", () => {
    // x [4, 4, 2] → 1×1 convolution W (2 → 2 channels) → flatten → dense V [32, 2]: ∂y_t/∂A_k at position p is
    // V[2p + k][t], so α_k = Σ_p V[2p + k][t] / 16 and the map is ReLU(Σ_k α_k A_k) with A_k(p) = Σ_c W[c][k] x(p, c).
    const pixels = Array.from({ length: 32 }, (_, i) => Math.cos(i * 0.9) + 0.3 * Math.sin(i * 2.3));
    const weights = [
      [1, -0.5],
      [0.25, 2],
    ];
    const head = Array.from({ length: 32 }, (_, i) => [Math.sin(i * 1.3) + 0.2, Math.cos(i * 0.7) - 0.1]);
    const input = tf.input({ shape: [4, 4, 2] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false, name: "features" });
    const dense = tf.layers.dense({ units: 2, useBias: false });
    const flat = tf.layers.flatten().apply(conv.apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
    conv.setWeights([tf.tensor4d(weights.flat(), [1, 1, 2, 2])]);
    dense.setWeights([tf.tensor2d(head)]);

    const image = tf.tensor4d(pixels, [1, 4, 4, 2]);
    const { maps } = gradCam(model, image, [0, 1]);
    maps.forEach((map, t) => {
      const alpha = [0, 1].map(
        (k) => head.reduce((sum, row, i) => sum + (i % 2 === k ? (row[t] ?? 0) : 0), 0) / 16,
      );
      const cam = Array.from({ length: 16 }, (_, p) =>
        Math.max(
          0,
          [0, 1].reduce(
            (sum, k) =>
              sum +
              (alpha[k] ?? 0) *
                ((weights[0]?.[k] ?? 0) * (pixels[2 * p] ?? 0) +
                  (weights[1]?.[k] ?? 0) * (pixels[2 * p + 1] ?? 0)),
            0,
          ),
        ),
      );
      const max = Math.max(...cam);
      expect(max).toBeGreaterThan(0);
      expect(
        maxDifference(
          map,
          cam.map((value) => value / max),
        ),
      ).toBeLessThan(1e-5);
    });
    image.dispose();
  });

  it("is all zeros when no weighted feature is positive", () => {
    const model = analyticModel(w, v);
    const positive = x.map(Math.abs);
    const input = tf.tensor4d(positive, [1, 4, 4, 1]);
    const [map] = gradCam(model, input, [1]).maps;
    expect(Array.from(map ?? [])).toEqual(new Array(16).fill(0));
    input.dispose();
  });

  it("picks the last convolution layer, and refuses a model without one", () => {
    expect(lastConvolutionLayer(analyticModel(w, v)).name).toBe("features");
    const dense = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    expect(() => lastConvolutionLayer(dense)).toThrow(
      /has no Conv2D, DepthwiseConv2D or SeparableConv2D layer/,
    );
  });
});
