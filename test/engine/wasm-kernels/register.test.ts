import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  fastGradients,
  fastWasmKernels,
  registerFastWasmKernels,
  unregisterFastWasmKernels,
} from "../../../shared/engine/wasm-kernels/index.js";

describe("registerFastWasmKernels / unregisterFastWasmKernels", () => {
  const stockConvInput = tf.getKernel(tf.Conv2DBackpropInput, "wasm");
  const stockBatchNormGradient = tf.getGradient(tf.FusedBatchNorm);
  afterAll(registerFastWasmKernels);

  it("replaces the stock configs and is idempotent without warnings", () => {
    const warn = vi.spyOn(console, "warn");
    registerFastWasmKernels();
    registerFastWasmKernels();
    for (const config of fastWasmKernels) {
      expect(tf.getKernel(config.kernelName, "wasm")).toBe(config);
    }
    for (const config of fastGradients) {
      expect(tf.getGradient(config.kernelName)).toBe(config);
    }
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("restores the stock configs, and can register again", () => {
    unregisterFastWasmKernels();
    unregisterFastWasmKernels();
    expect(tf.getKernel(tf.Conv2DBackpropInput, "wasm")).toBe(stockConvInput);
    expect(tf.getKernel(tf.Conv2DBackpropFilter, "wasm")).toBeUndefined();
    expect(tf.getKernel(tf.DepthwiseConv2dNativeBackpropInput, "wasm")).toBeUndefined();
    expect(tf.getKernel(tf.DepthwiseConv2dNativeBackpropFilter, "wasm")).toBeUndefined();
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(stockBatchNormGradient);

    registerFastWasmKernels();
    expect(tf.getKernel(tf.Conv2DBackpropInput, "wasm")).toBe(fastWasmKernels[0]);
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(fastGradients[0]);
  });
});
