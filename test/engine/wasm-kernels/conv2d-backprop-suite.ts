import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { conv2dCases, type ConvCase } from "./conv-configs.js";
import { type KernelCall, leakCheck, maxRelativeError, runKernelOn, useFastWasm } from "./harness.js";

/** A Conv2D backprop kernel under test: how to call it for a geometry, and what shape it returns. */
export interface Conv2DBackpropKernel {
  readonly kernelName: string;
  readonly config: tf.KernelConfig;
  readonly call: (c: ConvCase, dataFormat: "NHWC" | "NCHW") => KernelCall;
  readonly outputShape: (c: ConvCase, dataFormat: "NHWC" | "NCHW") => readonly number[];
}

/** The geometry of `c` in NHWC or NCHW: the input shape and the Conv2D info of the forward pass. */
export function conv2dGeometry(c: ConvCase, dataFormat: "NHWC" | "NCHW") {
  const [n, h, w, channels] = c.xShape;
  const inputShape: [number, number, number, number] = dataFormat === "NCHW" ? [n, channels, h, w] : c.xShape;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    c.filterShape,
    c.strides,
    1,
    c.pad,
    c.dimRoundingMode,
    false,
    dataFormat === "NCHW" ? "channelsFirst" : "channelsLast",
  );
  return { inputShape, info };
}

/** The kernel's attributes shared by both Conv2D backprops. */
export function conv2dAttrs(c: ConvCase, dataFormat: "NHWC" | "NCHW"): tf.NamedAttrMap {
  return {
    strides: c.strides,
    pad: c.pad,
    dataFormat,
    ...(c.dimRoundingMode === undefined ? {} : { dimRoundingMode: c.dimRoundingMode }),
  };
}

/** Registers the parity and leak tests of a fast Conv2D backprop kernel against the cpu backend. */
export function describeConv2DBackprop(kernel: Conv2DBackpropKernel): void {
  beforeAll(useFastWasm);

  describe(`fast wasm ${kernel.kernelName}`, () => {
    it("is the registered wasm kernel", () => {
      expect(tf.getKernel(kernel.kernelName, "wasm")).toBe(kernel.config);
    });

    it.each(conv2dCases)("matches the cpu backend: $name", async (c) => {
      const call = kernel.call(c, "NHWC");
      const expected = await runKernelOn("cpu", call);
      const actual = await runKernelOn("wasm", call);
      expect(actual.shape).toEqual(kernel.outputShape(c, "NHWC"));
      expect(maxRelativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-5);
    });

    it.each(conv2dCases.slice(0, 6))("matches the cpu backend in NCHW: $name", async (c) => {
      const call = kernel.call(c, "NCHW");
      const expected = await runKernelOn("cpu", call);
      const actual = await runKernelOn("wasm", call);
      expect(actual.shape).toEqual(kernel.outputShape(c, "NCHW"));
      expect(maxRelativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-5);
    });

    it("leaks no tensors", async () => {
      await useFastWasm();
      for (const c of conv2dCases.slice(0, 6)) {
        const { before, after } = leakCheck(kernel.call(c, "NHWC"));
        expect(after).toEqual(before);
      }
    });
  });
}
