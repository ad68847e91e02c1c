import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import type { ExplainedFunction, InputShape } from "../../shared/engine/explained-function.js";
import { integratedGradients } from "../../shared/engine/integrated-gradients.js";
import { createTensorGradientSource } from "../../shared/engine/tensor-gradient-source.js";
import { BACKEND_UNDER_TEST } from "../backend-under-test.js";

const shape: InputShape = [4, 5, 3];
const size = 4 * 5 * 3;
const seeded = (seed: number) =>
  Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));

/** Outputs [Σ w₀x, Σ w₁x]: IG is exactly (x − x′) · w for any rule and step count. */
const w0 = seeded(1);
const w1 = seeded(2);
const linear: ExplainedFunction = (x) => {
  const flat = x.reshape([x.shape[0], size]);
  return tf.matMul(flat, tf.tensor2d([...w0, ...w1], [2, size]), false, true) as tf.Tensor2D;
};

/** Output ½ Σ a xᵢ²: IGᵢ = a (xᵢ² − x′ᵢ²)/2 exactly, since the integrand is linear in α. */
const a = 0.7;
const quadratic: ExplainedFunction = (x) =>
  x
    .square()
    .reshape([x.shape[0], size])
    .sum(1, true)
    .mul(a / 2);

/** Output Σ xᵢ³: IGᵢ = (xᵢ − x′ᵢ)·∫3(x′ᵢ + α(xᵢ − x′ᵢ))² dα = xᵢ³ − x′ᵢ³ when x′ = 0. */
const cubic: ExplainedFunction = (x) => x.pow(3).reshape([x.shape[0], size]).sum(1, true);

const source = (f: ExplainedFunction, batchSize = 7) => createTensorGradientSource(f, shape, { batchSize });

beforeAll(async () => {
  await initBackend(BACKEND_UNDER_TEST);
});

describe("integratedGradients", () => {
  const x = seeded(3);
  const baseline = seeded(4).map((v) => v / 3);

  it("is exactly (x − x′) · w for a linear model, for every target in one call", async () => {
    const [first, second] = await integratedGradients(source(linear), x, [baseline], {
      targets: [0, 1],
      rule: "riemann-left",
      steps: 3,
    });
    for (let i = 0; i < size; i++) {
      expect(first.attributions[i]).toBeCloseTo((x[i] - baseline[i]) * w0[i], 5);
      expect(second.attributions[i]).toBeCloseTo((x[i] - baseline[i]) * w1[i], 5);
    }
    expect(first.relativeError).toBeLessThan(1e-5);
  });

  it("matches the closed form of a quadratic with the trapezoid rule at any step count", async () => {
    const [result] = await integratedGradients(source(quadratic), x, [baseline], {
      targets: [0],
      rule: "trapezoid",
      steps: 2,
    });
    for (let i = 0; i < size; i++) {
      expect(result.attributions[i]).toBeCloseTo((a * (x[i] ** 2 - baseline[i] ** 2)) / 2, 5);
    }
  });

  it("matches the closed form of a cubic with gauss-legendre, and completeness holds", async () => {
    const [result] = await integratedGradients(source(cubic), x, [new Float32Array(size)], {
      targets: [0],
      rule: "gauss-legendre",
      steps: 2,
    });
    for (let i = 0; i < size; i++) expect(result.attributions[i]).toBeCloseTo(x[i] ** 3, 5);
    expect(result.attributionSum).toBeCloseTo(result.outputDelta, 4);
    expect(result.evaluations).toBe(2);
  });

  it("averages over several baselines, so completeness holds against the mean output delta", async () => {
    const baselines = [new Float32Array(size), baseline];
    const [result] = await integratedGradients(source(quadratic), x, baselines, {
      targets: [0],
      rule: "trapezoid",
      steps: 1,
    });
    for (let i = 0; i < size; i++) {
      const expected = (a * (x[i] ** 2 - 0) + a * (x[i] ** 2 - baseline[i] ** 2)) / 4;
      expect(result.attributions[i]).toBeCloseTo(expected, 5);
    }
    expect(result.evaluations).toBe(4);
  });

  it("refines adaptive steps by doubling until the completeness error is within tolerance", async () => {
    const bumpy: ExplainedFunction = (x) => x.mul(3).sin().reshape([x.shape[0], size]).sum(1, true);
    const [result] = await integratedGradients(source(bumpy), x, [new Float32Array(size)], {
      targets: [0],
      rule: "trapezoid",
      steps: "auto",
      tolerance: 0.001,
      initialSteps: 4,
      maxSteps: 1024,
    });
    expect(result.converged).toBe(true);
    expect(result.relativeError).toBeLessThanOrEqual(0.001);
    expect(result.steps).toBeGreaterThan(4);
    // trapezoid with n steps evaluates n + 1 points: 5 + 9 + … + (steps + 1)
    const rounds = Math.log2(result.steps / 4) + 1;
    expect(result.evaluations).toBe(2 * result.steps - 4 + rounds);
  });

  it("stops at maxSteps and says it did not converge", async () => {
    const bumpy: ExplainedFunction = (x) => x.mul(3).sin().reshape([x.shape[0], size]).sum(1, true);
    const [result] = await integratedGradients(source(bumpy), x, [new Float32Array(size)], {
      targets: [0],
      rule: "riemann-left",
      steps: "auto",
      tolerance: 1e-9,
      initialSteps: 2,
      maxSteps: 8,
    });
    expect(result.converged).toBe(false);
    expect(result.steps).toBe(8);
  });

  const batchSizeOptions = { targets: [1, 0], rule: "gauss-legendre" as const, steps: 5 };
  const atBatchSizes = async () => {
    const [small] = await integratedGradients(source(linear, 1), x, [baseline], batchSizeOptions);
    const [large] = await integratedGradients(source(linear, 64), x, [baseline], batchSizeOptions);
    expect(small.target).toBe(1);
    return { small: small.attributions, large: large.attributions };
  };

  it("does not depend on the batch size, bit for bit, on the cpu backend", async () => {
    const underTest = tf.getBackend();
    await tf.setBackend("cpu");
    try {
      const { small, large } = await atBatchSizes();
      expect(Array.from(small)).toEqual(Array.from(large));
    } finally {
      await tf.setBackend(underTest);
    }
  });

  it(`does not depend on the batch size beyond float32 rounding on ${BACKEND_UNDER_TEST}`, async () => {
    // XNNPACK (wasm) and TensorFlow block a matmul's sums by the batch's shape: the last bit or two may differ.
    const { small, large } = await atBatchSizes();
    large.forEach((value, i) =>
      expect(Math.abs(small[i] - value)).toBeLessThanOrEqual(4e-7 * Math.abs(value) + 1e-9),
    );
  });

  it("leaks no tensors", async () => {
    const before = tf.memory().numTensors;
    await integratedGradients(source(quadratic), x, [baseline], {
      targets: [0],
      rule: "trapezoid",
      steps: 4,
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
