import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerFastWasmKernels } from "../../../shared/engine/wasm-kernels/index.js";
import { mulberry32 } from "../../../shared/mulberry32.js";

/** Plain host-side tensor data, independent of any backend. */
export interface HostTensor {
  shape: number[];
  values: Float32Array;
}

/** A kernel invocation described with host data so it can be replayed on several backends. */
export interface KernelCall {
  kernelName: string;
  inputs: Record<string, HostTensor>;
  attrs: tf.NamedAttrMap;
}

/** Activates the wasm backend with the fast kernels registered. */
export async function useFastWasm(): Promise<void> {
  await tf.setBackend("wasm");
  await tf.ready();
  registerFastWasmKernels();
}

/** Deterministic pseudo-random values in [-1, 1) (mulberry32). */
export function randomTensor(shape: number[], seed: number): HostTensor {
  const next = mulberry32(seed);
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * next() - 1);
  return { shape, values };
}

/** Runs `call` on `backend` (which becomes the active backend) and returns the output as host data. */
export async function runKernelOn(backend: "cpu" | "wasm", call: KernelCall): Promise<HostTensor> {
  await tf.setBackend(backend);
  const inputs: tf.NamedTensorMap = {};
  for (const [name, host] of Object.entries(call.inputs)) {
    inputs[name] = tf.tensor(host.values, host.shape);
  }
  const out = tf.engine().runKernel(call.kernelName, inputs, call.attrs) as tf.Tensor;
  const result = { shape: out.shape, values: out.dataSync() as Float32Array };
  tf.dispose([out, ...Object.values(inputs)]);
  return result;
}

/** Max |actual − expected| relative to max |expected|. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: ${actual.length} vs ${expected.length}`);
  }
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN)));
    maxRef = Math.max(maxRef, Math.abs(expected[i] ?? NaN));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}

/** Live engine tensors and backend data buffers, for leak checks. */
export function liveCounts(): { tensors: number; dataIds: number } {
  return { tensors: tf.memory().numTensors, dataIds: tf.engine().backend.numDataIds() };
}

/** Counts of live tensors/buffers before and after running `call` (with its output disposed) on the active backend. */
export function leakCheck(call: KernelCall): {
  before: ReturnType<typeof liveCounts>;
  after: ReturnType<typeof liveCounts>;
} {
  const inputs: tf.NamedTensorMap = {};
  for (const [name, host] of Object.entries(call.inputs)) {
    inputs[name] = tf.tensor(host.values, host.shape);
  }
  const before = liveCounts();
  tf.dispose(tf.engine().runKernel(call.kernelName, inputs, call.attrs) as tf.Tensor);
  const after = liveCounts();
  tf.dispose(Object.values(inputs));
  return { before, after };
}

/** Inserts zeros into an HWCM filter so that an undilated convolution with it equals a dilated one. */
export function dilateFilter(filter: HostTensor, dilationHeight: number, dilationWidth: number): HostTensor {
  const [fh = 0, fw = 0, c = 0, m = 0] = filter.shape;
  const shape = [(fh - 1) * dilationHeight + 1, (fw - 1) * dilationWidth + 1, c, m];
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const rowStride = (shape[1] ?? 0) * c * m;
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const from = (i * fw + j) * c * m;
      values.set(
        filter.values.subarray(from, from + c * m),
        i * dilationHeight * rowStride + j * dilationWidth * c * m,
      );
    }
  }
  return { shape, values };
}

/** Picks the taps of a zero-inserted (dilated) HWCM filter gradient that belong to the original filter. */
export function undilateFilter(
  filter: HostTensor,
  dilationHeight: number,
  dilationWidth: number,
): HostTensor {
  const [bh = 0, bw = 0, c = 0, m = 0] = filter.shape;
  const fh = (bh - 1) / dilationHeight + 1;
  const fw = (bw - 1) / dilationWidth + 1;
  const values = new Float32Array(fh * fw * c * m);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const from = (i * dilationHeight * bw + j * dilationWidth) * c * m;
      values.set(filter.values.subarray(from, from + c * m), (i * fw + j) * c * m);
    }
  }
  return { shape: [fh, fw, c, m], values };
}
