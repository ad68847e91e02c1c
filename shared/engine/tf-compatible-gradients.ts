import * as tf from "@tensorflow/tfjs";
import { overrideGradients, restoreGradients } from "./gradient-overrides.js";

/**
 * Gradients that TF.js 4.22 takes differently from TensorFlow, redone as TensorFlow takes them, so that
 * attributions of an imported Keras model match TensorFlow's. Gradient functions are global (one registry for
 * every backend), and are written here with ops every backend has.
 */

/**
 * Gradient of `Max` or `Min` as TensorFlow's `_MinOrMaxGrad` (tensorflow/python/ops/math_grad.py): the upstream
 * gradient is split evenly among the positions that tie for the extremum. TF.js gives each of them all of it.
 */
function minOrMaxGradient(axisAttr: "reductionIndices" | "axis"): tf.GradFunc {
  return (dy, saved, attrs) => {
    const [x, y] = saved as [tf.Tensor, tf.Tensor];
    const upstream = dy as tf.Tensor;
    const axes = tf.util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    const keptShape = tf.backend_util.expandShapeToKeepDim(y.shape, axes);
    return {
      x: () => {
        const extremum = y.rank < x.rank ? tf.reshape(y, keptShape) : y;
        const dyKept = upstream.rank < x.rank ? tf.reshape(upstream, keptShape) : upstream;
        const indicators = tf.cast(tf.equal(x, extremum), upstream.dtype);
        const selected = tf.sum(indicators, axes, true);
        return tf.mul(tf.div(indicators, selected), dyKept);
      },
    };
  };
}

/** How many of the `outSize` windows' `filter` positions fall inside `[0, inSize)`, window by window. */
function validPositions(
  inSize: number,
  outSize: number,
  filter: number,
  stride: number,
  padBefore: number,
): number[] {
  return Array.from({ length: outSize }, (_, out) => {
    const start = out * stride - padBefore;
    return Math.min(inSize, start + filter) - Math.max(0, start);
  });
}

/**
 * Gradient of `AvgPool` as TensorFlow's `AvgPoolGrad`: the adjoint of the forward pass, which divides each window
 * by the number of its positions inside the input. TF.js's forward does the same, but its cpu and wasm gradient
 * kernels divide by the whole window size, which is wrong for the windows that padding clips. The stock kernel
 * runs when no window is clipped (the two agree) and on the tensorflow backend, whose kernel is TensorFlow's own
 * (and whose depthwise backprop refuses unequal strides). Otherwise the output gradient is divided by each window's
 * count and spread back over the window by the input gradient of a depthwise convolution with a filter of ones.
 */
function avgPoolGradient(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) {
  const [x] = saved as [tf.Tensor4D];
  const upstream = dy as tf.Tensor4D;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.AvgPoolAttrs;
  const info = tf.backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode);
  const rows = validPositions(
    info.inHeight,
    info.outHeight,
    info.filterHeight,
    info.strideHeight,
    info.padInfo.top,
  );
  const cols = validPositions(
    info.inWidth,
    info.outWidth,
    info.filterWidth,
    info.strideWidth,
    info.padInfo.left,
  );
  const clipped = rows.some((r) => r !== info.filterHeight) || cols.some((c) => c !== info.filterWidth);
  return {
    x: (): tf.Tensor => {
      const stockIsTensorFlows = tf.getBackend() === "tensorflow";
      if (stockIsTensorFlows || (!clipped && dimRoundingMode === undefined)) {
        return tf.engine().runKernel(tf.AvgPoolGrad, { dy: upstream, input: x }, {
          filterSize,
          strides,
          pad,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      }
      const counts = tf.tensor4d(
        rows.flatMap((r) => cols.map((c) => r * c)),
        [1, info.outHeight, info.outWidth, 1],
      );
      const ones = tf.ones([info.filterHeight, info.filterWidth, info.inChannels, 1]);
      const backpropAttrs: tf.DepthwiseConv2dNativeBackpropInputAttrs = {
        strides,
        dilations: 1,
        pad,
        dimRoundingMode,
        inputShape: x.shape,
      };
      return tf
        .engine()
        .runKernel(
          tf.DepthwiseConv2dNativeBackpropInput,
          { dy: tf.div(upstream, counts), filter: ones },
          backpropAttrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor;
    },
  };
}

/** The TensorFlow-compatible gradients this module registers. */
export const tfCompatibleGradients: readonly tf.GradConfig[] = [
  {
    kernelName: tf.Max,
    inputsToSave: ["x"],
    outputsToSave: [true],
    gradFunc: minOrMaxGradient("reductionIndices"),
  },
  { kernelName: tf.Min, inputsToSave: ["x"], outputsToSave: [true], gradFunc: minOrMaxGradient("axis") },
  { kernelName: tf.AvgPool, inputsToSave: ["x"], gradFunc: avgPoolGradient },
];

/**
 * Registers {@link tfCompatibleGradients} in place of (and remembering) TF.js's own, for every backend at once.
 * Idempotent; `initBackend` calls it, in every process and gradient thread.
 */
export function registerTfCompatibleGradients(): void {
  overrideGradients(tfCompatibleGradients);
}

/** Restores the TF.js gradients replaced by {@link registerTfCompatibleGradients}. Idempotent. */
export function unregisterTfCompatibleGradients(): void {
  restoreGradients(tfCompatibleGradients);
}
