import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { depthwiseConv2dNativeBackpropFilterConfig } from "../../../shared/engine/wasm-kernels/depthwise-conv2d-backprop-filter.js";
import { type ConvCase, depthwiseCases } from "./conv-configs.js";
import {
  type KernelCall,
  leakCheck,
  maxRelativeError,
  randomTensor,
  runKernelOn,
  undilateFilter,
  useFastWasm,
} from "./harness.js";

function backpropFilterCall(c: ConvCase, filterShape: number[], dilations: [number, number]): KernelCall {
  const info = tf.backend_util.computeConv2DInfo(
    c.xShape,
    c.filterShape,
    c.strides,
    c.dilations ?? 1,
    c.pad,
    undefined,
    true,
  );
  return {
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    inputs: { x: randomTensor(c.xShape, 41), dy: randomTensor(info.outShape, 42) },
    attrs: { strides: c.strides, dilations, pad: c.pad, filterShape },
  };
}

/** The fast kernel's call, and a cpu reference call (the cpu kernel ignores dilations, so use the dilated filter). */
function calls(c: ConvCase): { call: KernelCall; reference: KernelCall } {
  const [dh, dw] = c.dilations ?? [1, 1];
  const [fh, fw, channels, multiplier] = c.filterShape;
  return {
    call: backpropFilterCall(c, c.filterShape, [dh, dw]),
    reference: backpropFilterCall(c, [(fh - 1) * dh + 1, (fw - 1) * dw + 1, channels, multiplier], [1, 1]),
  };
}

beforeAll(useFastWasm);

describe("fast wasm DepthwiseConv2dNativeBackpropFilter", () => {
  it("is the registered wasm kernel", () => {
    expect(tf.getKernel(tf.DepthwiseConv2dNativeBackpropFilter, "wasm")).toBe(
      depthwiseConv2dNativeBackpropFilterConfig,
    );
  });

  it.each(depthwiseCases)("matches the cpu backend: $name", async (c) => {
    const { call, reference } = calls(c);
    const [dh, dw] = c.dilations ?? [1, 1];
    const expected = undilateFilter(await runKernelOn("cpu", reference), dh, dw);
    const actual = await runKernelOn("wasm", call);
    expect(actual.shape).toEqual(c.filterShape);
    expect(maxRelativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-5);
  });

  it("leaks no tensors", async () => {
    await useFastWasm();
    for (const c of depthwiseCases.slice(0, 8)) {
      const { before, after } = leakCheck(calls(c).call);
      expect(after).toEqual(before);
    }
  });
});
