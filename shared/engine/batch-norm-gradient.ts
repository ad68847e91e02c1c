import * as tf from "@tensorflow/tfjs";

/** Sums `t` over the axes along which a tensor of `shape` was broadcast to it, and reshapes the result to `shape`. */
function sumToShape(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, t.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
}

function fusedBatchNormGradient(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) {
  const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
  const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
  const dOut = dy as tf.Tensor;
  const invStd = (): tf.Tensor => tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
  const scaledInvStd = (): tf.Tensor => (scale === undefined ? invStd() : tf.mul(invStd(), scale));
  const dyTimesCentered = (): tf.Tensor => tf.mul(dOut, tf.sub(x, mean));
  return {
    x: () => tf.mul(dOut, scaledInvStd()),
    mean: () => sumToShape(tf.mul(dOut, tf.neg(scaledInvStd())), mean.shape),
    variance: () => {
      const factor = tf.mul(scaledInvStd(), tf.mul(tf.square(invStd()), tf.scalar(-0.5)));
      return sumToShape(tf.mul(dyTimesCentered(), factor), variance.shape);
    },
    scale: () => sumToShape(tf.mul(dyTimesCentered(), invStd()), (scale ?? mean).shape),
    offset: () => sumToShape(dOut, mean.shape),
  };
}

/**
 * Gradient of `FusedBatchNorm` (global: used by every backend). Unlike the stock gradient it computes only the
 * requested partials, broadcasts per-channel factors instead of tiling them to the input's size, and reduces
 * correctly when mean/variance/scale are given with broadcast ranks (e.g. `[1, 1, 1, C]`).
 */
export const fusedBatchNormGradConfig: tf.GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ["x", "mean", "variance", "scale"],
  gradFunc: fusedBatchNormGradient,
};
