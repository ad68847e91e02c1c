import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { conv2DBackpropFilterConfig } from "../../../shared/engine/wasm-kernels/conv2d-backprop-filter.js";
import { conv2dCases, type ConvCase } from "./conv-configs.js";
import {
  type KernelCall,
  leakCheck,
  maxRelativeError,
  randomTensor,
  runKernelOn,
  useFastWasm,
} from "./harness.js";

function backpropFilterCall(c: ConvCase, dataFormat: "NHWC" | "NCHW" = "NHWC"): KernelCall {
  const [n, h, w, channels] = c.xShape;
  const xShape: [number, number, number, number] = dataFormat === "NCHW" ? [n, channels, h, w] : c.xShape;
  const format = dataFormat === "NCHW" ? "channelsFirst" : "channelsLast";
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    c.filterShape,
    c.strides,
    1,
    c.pad,
    c.dimRoundingMode,
    false,
    format,
  );
  return {
    kernelName: tf.Conv2DBackpropFilter,
    inputs: { x: randomTensor(xShape, 21), dy: randomTensor(info.outShape, 22) },
    attrs: {
      strides: c.strides,
      pad: c.pad,
      dataFormat,
      filterShape: c.filterShape,
      ...(c.dimRoundingMode === undefined ? {} : { dimRoundingMode: c.dimRoundingMode }),
    },
  };
}

beforeAll(useFastWasm);

describe("fast wasm Conv2DBackpropFilter", () => {
  it("is the registered wasm kernel", () => {
    expect(tf.getKernel(tf.Conv2DBackpropFilter, "wasm")).toBe(conv2DBackpropFilterConfig);
  });

  it.each(conv2dCases)("matches the cpu backend: $name", async (c) => {
    const call = backpropFilterCall(c);
    const expected = await runKernelOn("cpu", call);
    const actual = await runKernelOn("wasm", call);
    expect(actual.shape).toEqual(c.filterShape);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-5);
  });

  it.each(conv2dCases.slice(0, 6))("matches the cpu backend in NCHW: $name", async (c) => {
    const call = backpropFilterCall(c, "NCHW");
    const expected = await runKernelOn("cpu", call);
    const actual = await runKernelOn("wasm", call);
    expect(actual.shape).toEqual(c.filterShape);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-5);
  });

  it("leaks no tensors", async () => {
    await useFastWasm();
    for (const c of conv2dCases.slice(0, 6)) {
      const { before, after } = leakCheck(backpropFilterCall(c));
      expect(after).toEqual(before);
    }
  });
});
