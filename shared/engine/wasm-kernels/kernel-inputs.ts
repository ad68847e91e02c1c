import * as tf from "@tensorflow/tfjs";

/**
 * Returns a kernel input as a tensor. The engine hands kernels the very `Tensor` objects an op was called with,
 * which lets these kernels be written with ordinary tf ops.
 */
export function tensorInput<R extends tf.Rank>(inputs: tf.NamedTensorInfoMap, name: string): tf.Tensor<R> {
  const input = inputs[name];
  if (!(input instanceof tf.Tensor)) {
    throw new Error(`Kernel input '${name}' must be a tf.Tensor dispatched by the engine.`);
  }
  return input as tf.Tensor<R>;
}
