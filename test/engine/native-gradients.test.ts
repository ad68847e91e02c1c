import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import {
  nativeGradients,
  registerNativeGradients,
  unregisterNativeGradients,
} from "../../shared/engine/native-gradients.js";
import { BACKEND_UNDER_TEST } from "../backend-under-test.js";

const BACKEND = BACKEND_UNDER_TEST === "tensorflow" ? "tensorflow" : "wasm";

beforeAll(async () => {
  await initBackend(BACKEND);
  // On wasm, initBackend registered the fast wasm gradients instead; these must also be right there.
  registerNativeGradients();
});

afterAll(() => {
  unregisterNativeGradients();
  registerNativeGradients();
  if (BACKEND === "wasm") unregisterNativeGradients();
});

/** A deterministic pseudo-random tensor in [-1, 1). */
function noise(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, "float32", seed);
}

/** ∇ₓ Σ w · maxPool(relu(batchNorm(conv(x)))) and the gradients for the filter and BatchNorm's parameters. */
function convBlockGradients(): Float32Array[] {
  return tf.tidy(() => {
    const x = noise([2, 12, 12, 3], 1) as tf.Tensor4D;
    const filter = noise([3, 3, 3, 8], 2) as tf.Tensor4D;
    const mean = noise([8], 3);
    const variance = tf.add(tf.abs(noise([8], 4)), 0.5);
    const scale = noise([8], 5);
    const offset = noise([8], 6);
    const weights = noise([2, 6, 6, 8], 7);
    const f = (...args: tf.Tensor[]): tf.Tensor => {
      const [input, kernel, gamma, beta] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
      const convolved = tf.conv2d(input, kernel, 1, "same");
      const normalized = tf.batchNorm(convolved, mean, variance, beta, gamma, 1e-3);
      const pooled = tf.maxPool(tf.relu(normalized) as tf.Tensor4D, 2, 2, "valid");
      return tf.sum(tf.mul(pooled, weights));
    };
    return tf
      .grads(f)([x, filter, scale, offset])
      .map((g) => g.dataSync() as Float32Array);
  });
}

function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  const scale = Math.max(...expected.map(Math.abs), 1e-12);
  return Math.max(...actual.map((v, i) => Math.abs(v - (expected[i] ?? Number.NaN)))) / scale;
}

describe(`native gradients on ${BACKEND}`, () => {
  it("are the registered Relu and FusedBatchNorm gradients", () => {
    for (const config of nativeGradients) expect(tf.getGradient(config.kernelName)).toBe(config);
    expect(tf.getKernel("ReluGrad", tf.getBackend()) !== undefined).toBe(BACKEND === "tensorflow");
  });

  it("match TF.js's stock gradients through Conv → BatchNorm → ReLU → MaxPool within 1e-6", () => {
    const native = convBlockGradients();
    unregisterNativeGradients();
    const stock = convBlockGradients();
    registerNativeGradients();
    expect(native).toHaveLength(4);
    native.forEach((gradient, i) => {
      const expected = stock[i] ?? new Float32Array();
      expect(gradient).toHaveLength(expected.length);
      expect(maxRelativeError(gradient, expected)).toBeLessThanOrEqual(1e-6);
    });
  });

  it("give ReLU's gradient as TensorFlow does: the upstream gradient where x > 0, else 0", () => {
    const x = tf.tensor1d([-2, -0, 0, 1e-30, 3, Number.NaN]);
    const dy = tf.tensor1d([5, 5, 5, 5, 5, 5]);
    const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), dy)))(x);
    const values = Array.from(gradient.dataSync(), (v) => v + 0);
    expect(values.slice(0, 5)).toEqual([0, 0, 0, 5, 5]);
    tf.dispose([x, dy, gradient]);
  });

  it("leak no tensors", () => {
    convBlockGradients();
    const before = tf.memory().numTensors;
    convBlockGradients();
    expect(tf.memory().numTensors).toBe(before);
  });
});
