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

/** Inputs like a pooling layer after relu → BatchNormalization: about half the values are relu zeros, which the
 * per-channel affine map sends to one value per channel, so many windows tie exactly (some below zero). */
function reluAffineInput(shape: [number, number, number, number], seed: number): HostTensor {
  const channels = shape[3];
  const values = randomTensor(shape, seed).values.map((v, i) => {
    const c = i % channels;
    return Math.max(v, 0) * (0.5 + (c % 5) * 0.3) + ((c % 4) - 2) * 0.15;
  });
  return { shape, values };
}

/** Max-pool backprop by definition: each window's `dy` goes to its first maximum in row-major order. */
function referenceMaxPoolGrad(x: HostTensor, dy: HostTensor, info: tf.backend_util.Conv2DInfo): Float32Array {
  const [batch = 0, height = 0, width = 0, channels = 0] = x.shape;
  const grad = new Float32Array(x.values.length);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < info.outHeight; oh++) {
      for (let ow = 0; ow < info.outWidth; ow++) {
        for (let c = 0; c < channels; c++) {
          let max = -Infinity;
          let at = -1;
          for (let i = 0; i < info.filterHeight; i++) {
            for (let j = 0; j < info.filterWidth; j++) {
              const row = oh * info.strideHeight - info.padInfo.top + i;
              const col = ow * info.strideWidth - info.padInfo.left + j;
              if (row < 0 || row >= height || col < 0 || col >= width) {
                continue;
              }
              const index = ((n * height + row) * width + col) * channels + c;
              if ((x.values[index] ?? NaN) > max) {
                max = x.values[index] ?? NaN;
                at = index;
              }
            }
          }
          grad[at] =
            (grad[at] ?? 0) +
            (dy.values[((n * info.outHeight + oh) * info.outWidth + ow) * channels + c] ?? NaN);
        }
      }
    }
  }
  return grad;
}

interface TieCase {
  xShape: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: "same" | "valid";
}

const tieCases: TieCase[] = [
  ...[1, 3, 8, 64].flatMap((channels) =>
    [2, 3, 4].map((batch): TieCase => ({
      xShape: [batch, 8, 10, channels],
      filterSize: [2, 2],
      strides: [2, 2],
      pad: "valid",
    })),
  ),
  { xShape: [2, 64, 64, 64], filterSize: [2, 2], strides: [2, 2], pad: "valid" },
  { xShape: [4, 9, 7, 32], filterSize: [2, 2], strides: [2, 2], pad: "same" },
  { xShape: [3, 11, 10, 8], filterSize: [2, 2], strides: [2, 2], pad: "valid" },
  { xShape: [2, 9, 10, 16], filterSize: [3, 3], strides: [2, 2], pad: "same" },
  { xShape: [4, 7, 6, 3], filterSize: [3, 3], strides: [1, 1], pad: "valid" },
];

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

  it.each(tieCases)(
    "routes ties to the first maximum like max-pool backprop by definition: $xShape $filterSize s$strides $pad",
    async (c) => {
      const x = reluAffineInput(
        c.xShape,
        c.xShape.reduce((a, b) => a * b + 1, 5),
      );
      const info = tf.backend_util.computePool2DInfo(c.xShape, c.filterSize, c.strides, 1, c.pad);
      const dy = randomTensor(info.outShape, 73);
      const call: KernelCall = {
        kernelName: tf.MaxPoolGrad,
        inputs: { dy, input: x, output: dy },
        attrs: { filterSize: c.filterSize, strides: c.strides, pad: c.pad },
      };
      const expected = referenceMaxPoolGrad(x, dy, info);
      expect(maxRelativeError((await runKernelOn("wasm", call)).values, expected)).toBeLessThanOrEqual(1e-6);
      expect(maxRelativeError((await runKernelOn("cpu", call)).values, expected)).toBeLessThanOrEqual(1e-6);
    },
  );

  // A 2×2 window of the seed-sized CNN's second pooling layer (batch 2, 256×256 input) as each backend's forward pass
  // computed it. The cpu forward rounds two relu → BatchNormalization values to the same float (a tie: the first one
  // wins); the wasm forward rounds them two ulps apart (the last one wins). Both gradients are right for their own
  // input, so whole-model gradients of the two backends legitimately differ near such windows.
  it.each([
    {
      forward: "wasm",
      window: [-0.3936229646205902, -0.25446817278862, -0.34810489416122437, -0.2544681131839752],
      max: 3,
    },
    {
      forward: "cpu",
      window: [-0.3936230540275574, -0.25446829199790955, -0.3481048047542572, -0.25446829199790955],
      max: 1,
    },
  ])("follows the exact input values of a near-tie ($forward forward)", async ({ window, max }) => {
    const call: KernelCall = {
      kernelName: tf.MaxPoolGrad,
      inputs: {
        dy: { shape: [1, 1, 1, 1], values: new Float32Array([1]) },
        input: { shape: [1, 2, 2, 1], values: new Float32Array(window) },
        output: { shape: [1, 1, 1, 1], values: new Float32Array([Math.max(...window)]) },
      },
      attrs: { filterSize: [2, 2], strides: [2, 2], pad: "valid" },
    };
    const expected = [0, 0, 0, 0].map((_, k) => (k === max ? 1 : 0));
    expect(Array.from((await runKernelOn("wasm", call)).values)).toEqual(expected);
    expect(Array.from((await runKernelOn("cpu", call)).values)).toEqual(expected);
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
