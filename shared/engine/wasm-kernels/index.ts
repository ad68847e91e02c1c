import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { fusedBatchNormGradConfig } from "../batch-norm-gradient.js";
import { overrideGradients, restoreGradients } from "../gradient-overrides.js";
import { conv2DBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { conv2DBackpropInputConfig } from "./conv2d-backprop-input.js";
import { depthwiseConv2dNativeBackpropFilterConfig } from "./depthwise-conv2d-backprop-filter.js";
import { depthwiseConv2dNativeBackpropInputConfig } from "./depthwise-conv2d-backprop-input.js";
import { maxPoolGradConfig } from "./max-pool-grad.js";

/** The wasm kernels this module provides. */
export const fastWasmKernels: readonly tf.KernelConfig[] = [
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  maxPoolGradConfig,
];

/** The global gradients this module provides. */
export const fastGradients: readonly tf.GradConfig[] = [fusedBatchNormGradConfig];

const stockKernels = new Map<string, tf.KernelConfig>();

function registeredKernel(kernelName: string): tf.KernelConfig | undefined {
  return tf.getKernel(kernelName, "wasm") as tf.KernelConfig | undefined;
}

/**
 * Registers the fast wasm gradient kernels and the FusedBatchNorm gradient, replacing (and remembering) the stock
 * ones. Idempotent.
 */
export function registerFastWasmKernels(): void {
  for (const config of fastWasmKernels) {
    const current = registeredKernel(config.kernelName);
    if (current === config) {
      continue;
    }
    if (current !== undefined) {
      stockKernels.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, "wasm");
    }
    tf.registerKernel(config);
  }
  overrideGradients(fastGradients);
}

/** Restores the stock kernels and gradients replaced by {@link registerFastWasmKernels}. Idempotent. */
export function unregisterFastWasmKernels(): void {
  for (const config of fastWasmKernels) {
    if (registeredKernel(config.kernelName) !== config) {
      continue;
    }
    tf.unregisterKernel(config.kernelName, "wasm");
    const stock = stockKernels.get(config.kernelName);
    if (stock !== undefined) {
      tf.registerKernel(stock);
    }
  }
  restoreGradients(fastGradients);
}
