import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  registerFastWasmKernels,
  unregisterFastWasmKernels,
} from "../../../shared/engine/wasm-kernels/index.js";
import { maxPoolGradConfig } from "../../../shared/engine/wasm-kernels/max-pool-grad.js";
import {
  type HostTensor,
  type KernelCall,
  leakCheck,
  maxRelativeError,
  randomTensor,
  runKernelOn,
  useFastWasm,
} from "./harness.js";

interface PoolCase {
  name: string;
  xShape: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: "same" | "valid";
  /** Rounds inputs to a coarse grid so that windows contain ties. */
  ties?: boolean;
  /** Shifts inputs to be negative. */
  negative?: boolean;
}

const cases: PoolCase[] = [
  { name: "2x2 s2 valid even", xShape: [2, 8, 6, 3], filterSize: [2, 2], strides: [2, 2], pad: "valid" },
  { name: "2x2 s2 valid odd", xShape: [3, 11, 9, 2], filterSize: [2, 2], strides: [2, 2], pad: "valid" },
  { name: "2x2 s2 same odd", xShape: [2, 9, 7, 3], filterSize: [2, 2], strides: [2, 2], pad: "same" },
  {
    name: "3x3 s2 same (overlapping)",
    xShape: [2, 9, 10, 3],
    filterSize: [3, 3],
    strides: [2, 2],
    pad: "same",
  },
  { name: "3x3 s1 same", xShape: [2, 7, 6, 2], filterSize: [3, 3], strides: [1, 1], pad: "same" },
  { name: "2x2 s1 valid", xShape: [2, 6, 7, 2], filterSize: [2, 2], strides: [1, 1], pad: "valid" },
  { name: "3x2 s[2,1] valid", xShape: [2, 9, 8, 3], filterSize: [3, 2], strides: [2, 1], pad: "valid" },
  { name: "2x2 s3 valid (gaps)", xShape: [2, 9, 8, 2], filterSize: [2, 2], strides: [3, 3], pad: "valid" },
  {
    name: "2x2 s2 all negative",
    xShape: [2, 8, 8, 4],
    filterSize: [2, 2],
    strides: [2, 2],
    pad: "valid",
    negative: true,
  },
  {
    name: "2x2 s2 with ties",
    xShape: [2, 8, 8, 4],
    filterSize: [2, 2],
    strides: [2, 2],
    pad: "valid",
    ties: true,
  },
  {
    name: "3x3 s2 same with ties",
    xShape: [2, 9, 9, 3],
    filterSize: [3, 3],
    strides: [2, 2],
    pad: "same",
    ties: true,
  },
  { name: "larger 2x2 s2", xShape: [4, 32, 30, 16], filterSize: [2, 2], strides: [2, 2], pad: "valid" },
];

function input(c: PoolCase): HostTensor {
  const x = randomTensor(c.xShape, 71);
  const values = x.values.map((v) => (c.ties ? Math.round(v * 2) / 2 : v) - (c.negative ? 1 : 0));
  return { shape: x.shape, values };
}

/** MaxPoolGrad call with the forward output computed on the cpu backend. */
async function maxPoolGradCall(c: PoolCase): Promise<KernelCall> {
  await tf.setBackend("cpu");
  const x = input(c);
  const y = tf.maxPool(tf.tensor4d(x.values, c.xShape), c.filterSize, c.strides, c.pad);
  const output = { shape: y.shape, values: y.dataSync() as Float32Array };
  tf.dispose(y);
  return {
    kernelName: tf.MaxPoolGrad,
    inputs: { dy: randomTensor(output.shape, 72), input: x, output },
    attrs: { filterSize: c.filterSize, strides: c.strides, pad: c.pad },
  };
}

beforeAll(useFastWasm);

describe("fast wasm MaxPoolGrad", () => {
  it("is the registered wasm kernel", () => {
    expect(tf.getKernel(tf.MaxPoolGrad, "wasm")).toBe(maxPoolGradConfig);
  });

  it.each(cases)("matches the cpu backend: $name", async (c) => {
    const call = await maxPoolGradCall(c);
    const expected = await runKernelOn("cpu", call);
    const actual = await runKernelOn("wasm", call);
    expect(actual.shape).toEqual(c.xShape);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-6);
  });

  it("fixes the stock kernel, which misroutes gradients of all-negative windows", async () => {
    const call = await maxPoolGradCall(cases.find((c) => c.negative) as PoolCase);
    const expected = await runKernelOn("cpu", call);
    unregisterFastWasmKernels();
    const stock = await runKernelOn("wasm", call);
    registerFastWasmKernels();
    expect(maxRelativeError(stock.values, expected.values)).toBeGreaterThan(0.5);
  });

  it("leaks no tensors", async () => {
    for (const c of cases.slice(0, 8)) {
      const call = await maxPoolGradCall(c);
      await useFastWasm();
      const { before, after } = leakCheck(call);
      expect(after).toEqual(before);
    }
  });
});
