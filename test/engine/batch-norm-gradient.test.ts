import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fusedBatchNormGradConfig } from "../../shared/engine/batch-norm-gradient.js";
import {
  registerFastWasmKernels,
  unregisterFastWasmKernels,
} from "../../shared/engine/wasm-kernels/index.js";
import { liveCounts, maxRelativeError, randomTensor, useFastWasm } from "./wasm-kernels/harness.js";

interface BatchNormCase {
  name: string;
  xShape: number[];
  paramShape: number[];
}

const cases: BatchNormCase[] = [
  { name: "NHWC, per-channel params", xShape: [3, 5, 4, 6], paramShape: [6] },
  { name: "NHWC, params of shape [1,1,1,C]", xShape: [2, 4, 5, 3], paramShape: [1, 1, 1, 3] },
  { name: "NHWC, params of shape [1,1,W,C]", xShape: [2, 3, 4, 5], paramShape: [1, 1, 4, 5] },
  { name: "rank-2 input (after Dense)", xShape: [7, 5], paramShape: [5] },
];

const EPSILON = 1e-3;

type BatchNormInputs = [
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  scale: tf.Tensor,
  offset: tf.Tensor,
];

function inputs(c: BatchNormCase): BatchNormInputs {
  const param = (seed: number): tf.Tensor => tf.tensor(randomTensor(c.paramShape, seed).values, c.paramShape);
  return [
    tf.tensor(randomTensor(c.xShape, 51).values, c.xShape),
    param(52),
    tf.add(tf.abs(param(53)), 0.5),
    param(54),
    param(55),
  ];
}

/** Gradients of Σ w·batchNorm(x, mean, variance, offset, scale) w.r.t. all of its inputs. */
function batchNormGrads(c: BatchNormCase, composite: boolean): Float32Array[] {
  return tf.tidy(() => {
    const weights = tf.tensor(randomTensor(c.xShape, 56).values, c.xShape);
    const f = (...args: tf.Tensor[]): tf.Tensor => {
      const [x, mean, variance, scale, offset] = args as BatchNormInputs;
      const y = composite
        ? tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPSILON))), scale), offset)
        : tf.batchNorm(x, mean, variance, offset, scale, EPSILON);
      return tf.sum(tf.mul(y, weights));
    };
    return tf
      .grads(f)(inputs(c))
      .map((g) => g.dataSync() as Float32Array);
  });
}

describe.each(["cpu", "wasm"] as const)("FusedBatchNorm gradient on %s", (backend) => {
  beforeAll(async () => {
    await useFastWasm();
    await tf.setBackend(backend);
  });
  afterAll(registerFastWasmKernels);

  it("is the registered gradient", () => {
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(fusedBatchNormGradConfig);
  });

  it.each(cases)("matches the gradient of the composite formula: $name", (c) => {
    const actual = batchNormGrads(c, false);
    const expected = batchNormGrads(c, true);
    expect(actual).toHaveLength(expected.length);
    actual.forEach((grad, i) => expect(maxRelativeError(grad, expected[i] ?? [])).toBeLessThanOrEqual(1e-5));
  });

  it.each(cases.filter((c) => c.paramShape.length === 1))("matches the stock gradient: $name", (c) => {
    const actual = batchNormGrads(c, false);
    unregisterFastWasmKernels();
    const stock = batchNormGrads(c, false);
    registerFastWasmKernels();
    actual.forEach((grad, i) => expect(maxRelativeError(grad, stock[i] ?? [])).toBeLessThanOrEqual(1e-6));
  });

  it("cannot differentiate a batchNorm without scale or offset (tfjs 4.22 engine limitation, stock alike)", () => {
    const [x, mean, variance, scale, offset] = inputs(cases[0] as BatchNormCase);
    const withoutScale = (t: tf.Tensor): tf.Tensor => tf.sum(tf.batchNorm(t, mean, variance, offset));
    const withoutOffset = (t: tf.Tensor): tf.Tensor =>
      tf.sum(tf.batchNorm(t, mean, variance, undefined, scale));
    expect(() => tf.grad(withoutScale)(x)).toThrow();
    expect(() => tf.grad(withoutOffset)(x)).toThrow();
    tf.dispose([x, mean, variance, scale, offset]);
  });

  it("leaks no tensors", () => {
    for (const c of cases) {
      const before = liveCounts();
      batchNormGrads(c, false);
      expect(liveCounts()).toEqual(before);
    }
  });
});
