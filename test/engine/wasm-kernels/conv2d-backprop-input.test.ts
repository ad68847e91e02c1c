import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { conv2DBackpropInputConfig } from "../../../shared/engine/wasm-kernels/conv2d-backprop-input.js";
import { conv2dCases, type ConvCase } from "./conv-configs.js";
import {
  type KernelCall,
  leakCheck,
  maxRelativeError,
  randomTensor,
  runKernelOn,
  useFastWasm,
} from "./harness.js";

function backpropInputCall(c: ConvCase, dataFormat: "NHWC" | "NCHW" = "NHWC"): KernelCall {
  const [n, h, w, channels] = c.xShape;
  const inputShape: [number, number, number, number] = dataFormat === "NCHW" ? [n, channels, h, w] : c.xShape;
  const format = dataFormat === "NCHW" ? "channelsFirst" : "channelsLast";
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    c.filterShape,
    c.strides,
    1,
    c.pad,
    c.dimRoundingMode,
    false,
    format,
  );
  return {
    kernelName: tf.Conv2DBackpropInput,
    inputs: { dy: randomTensor(info.outShape, 11), filter: randomTensor(c.filterShape, 12) },
    attrs: {
      strides: c.strides,
      pad: c.pad,
      dataFormat,
      inputShape,
      ...(c.dimRoundingMode === undefined ? {} : { dimRoundingMode: c.dimRoundingMode }),
    },
  };
}

beforeAll(useFastWasm);

describe("fast wasm Conv2DBackpropInput", () => {
  it("is the registered wasm kernel", () => {
    expect(tf.getKernel(tf.Conv2DBackpropInput, "wasm")).toBe(conv2DBackpropInputConfig);
  });

  it.each(conv2dCases)("matches the cpu backend: $name", async (c) => {
    const call = backpropInputCall(c);
    const expected = await runKernelOn("cpu", call);
    const actual = await runKernelOn("wasm", call);
    expect(actual.shape).toEqual(c.xShape);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-5);
  });

  it.each(conv2dCases.slice(0, 6))("matches the cpu backend in NCHW: $name", async (c) => {
    const call = backpropInputCall(c, "NCHW");
    const expected = await runKernelOn("cpu", call);
    const actual = await runKernelOn("wasm", call);
    expect(actual.shape).toEqual(expected.shape);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-5);
  });

  it("leaks no tensors", async () => {
    await useFastWasm();
    for (const c of conv2dCases.slice(0, 6)) {
      const { before, after } = leakCheck(backpropInputCall(c));
      expect(after).toEqual(before);
    }
  });
});
