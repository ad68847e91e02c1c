import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { depthwiseConv2dNativeBackpropInputConfig } from "../../../shared/engine/wasm-kernels/depthwise-conv2d-backprop-input.js";
import { type ConvCase, depthwiseCases } from "./conv-configs.js";
import {
  dilateFilter,
  type HostTensor,
  type KernelCall,
  leakCheck,
  maxRelativeError,
  randomTensor,
  runKernelOn,
  useFastWasm,
} from "./harness.js";

function backpropInputCall(c: ConvCase, filter: HostTensor, dilations: [number, number]): KernelCall {
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
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    inputs: { dy: randomTensor(info.outShape, 31), filter },
    attrs: { strides: c.strides, dilations, pad: c.pad, inputShape: c.xShape },
  };
}

/** The fast kernel's call, and a cpu reference call (the cpu kernel ignores dilations, so dilate the filter instead). */
function calls(c: ConvCase): { call: KernelCall; reference: KernelCall } {
  const [dh, dw] = c.dilations ?? [1, 1];
  const filter = randomTensor(c.filterShape, 32);
  return {
    call: backpropInputCall(c, filter, [dh, dw]),
    reference: backpropInputCall(c, dilateFilter(filter, dh, dw), [1, 1]),
  };
}

beforeAll(useFastWasm);

describe("fast wasm DepthwiseConv2dNativeBackpropInput", () => {
  it("is the registered wasm kernel", () => {
    expect(tf.getKernel(tf.DepthwiseConv2dNativeBackpropInput, "wasm")).toBe(
      depthwiseConv2dNativeBackpropInputConfig,
    );
  });

  it.each(depthwiseCases)("matches the cpu backend: $name", async (c) => {
    const { call, reference } = calls(c);
    const expected = await runKernelOn("cpu", reference);
    const actual = await runKernelOn("wasm", call);
    expect(actual.shape).toEqual(c.xShape);
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
