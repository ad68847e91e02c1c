import * as tf from "@tensorflow/tfjs";
import { invertPads, padOrCrop, spreadPixels, type SpatialPads } from "./conv-geometry.js";
import { tensorInput } from "./kernel-inputs.js";

/** Most negative finite float32: pads windows for the one-hot convolution (which assumes finite inputs: ∞ · 0 = NaN). */
const LOWEST_FLOAT32 = -3.4028234663852886e38;

type PoolInfo = tf.backend_util.Conv2DInfo;

/** Whether the windows tile the input (stride = window size), which lets reshapes and transposes gather them. */
function isTiling(info: PoolInfo): boolean {
  return info.strideHeight === info.filterHeight && info.strideWidth === info.filterWidth;
}

/** The padding (or cropping) that makes the input exactly the area the windows cover. */
function windowPads(info: PoolInfo): SpatialPads {
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  return {
    top: padInfo.top,
    bottom: (outHeight - 1) * strideHeight + filterHeight - info.inHeight - padInfo.top,
    left: padInfo.left,
    right: (outWidth - 1) * strideWidth + filterWidth - info.inWidth - padInfo.left,
  };
}

/** The tiling windows' elements as `[batch · outH · outW · channels, window size]`. */
function tiledWindows(x: tf.Tensor4D, info: PoolInfo): tf.Tensor2D {
  const { batchSize, outHeight, outWidth, inChannels, filterHeight, filterWidth } = info;
  const blocks = tf.reshape(x, [batchSize, outHeight, filterHeight, outWidth, filterWidth, inChannels]);
  return tf.reshape(tf.transpose(blocks, [0, 1, 3, 5, 2, 4]), [-1, filterHeight * filterWidth]);
}

/** Inverse of {@link tiledWindows}. */
function untileWindows(rows: tf.Tensor2D, info: PoolInfo): tf.Tensor4D {
  const { batchSize, outHeight, outWidth, inChannels, filterHeight, filterWidth } = info;
  const blocks = tf.reshape(rows, [batchSize, outHeight, outWidth, inChannels, filterHeight, filterWidth]);
  return tf.reshape(tf.transpose(blocks, [0, 1, 4, 2, 5, 3]), [
    batchSize,
    outHeight * filterHeight,
    outWidth * filterWidth,
    inChannels,
  ]);
}

/** Any windows' elements as `[batch · outH · outW · channels, window size]`, gathered by a one-hot depthwise conv. */
function slidingWindows(x: tf.Tensor4D, info: PoolInfo): tf.Tensor2D {
  const { filterHeight, filterWidth, inChannels, strideHeight, strideWidth } = info;
  const size = filterHeight * filterWidth;
  const oneHot = tf.tile(tf.reshape<tf.Rank.R4>(tf.eye(size), [filterHeight, filterWidth, 1, size]), [
    1,
    1,
    inChannels,
    1,
  ]);
  return tf.reshape(tf.depthwiseConv2d(x, oneHot, [strideHeight, strideWidth], "valid"), [-1, size]);
}

/**
 * For any windows: adds `dy` of each window onto the element `firstMax` (row-major index) picks and crops the sum to
 * the input. The sum keeps `stride - 1` spare rows and columns so that no placement needs a (slow) slice.
 */
function scatterToSlidingWindows(
  firstMax: tf.Tensor,
  dy: tf.Tensor4D,
  info: PoolInfo,
  pads: SpatialPads,
): tf.Tensor4D {
  const { batchSize, outHeight, outWidth, inChannels, filterHeight, filterWidth, strideHeight, strideWidth } =
    info;
  const zeros = tf.zerosLike(dy);
  let sum = tf.zeros<tf.Rank.R4>([
    batchSize,
    outHeight * strideHeight + filterHeight - 1,
    outWidth * strideWidth + filterWidth - 1,
    inChannels,
  ]);
  for (let k = 0; k < filterHeight * filterWidth; k++) {
    const [i, j] = [Math.floor(k / filterWidth), k % filterWidth];
    const next = tf.tidy(() => {
      const routed = tf.where(tf.reshape(tf.equal(firstMax, k), dy.shape), dy, zeros);
      const placed = tf.pad(spreadPixels(routed, strideHeight, strideWidth), [
        [0, 0],
        [i, filterHeight - 1 - i],
        [j, filterWidth - 1 - j],
        [0, 0],
      ]);
      return tf.add<tf.Tensor4D>(sum, placed);
    });
    sum.dispose();
    sum = next;
  }
  const spare = { bottom: strideHeight - 1, right: strideWidth - 1 };
  return padOrCrop(
    sum,
    invertPads({ ...pads, bottom: pads.bottom + spare.bottom, right: pads.right + spare.right }),
  );
}

function maxPoolGrad({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.Tensor4D {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  return tf.tidy(() => {
    const dy = tensorInput<tf.Rank.R4>(inputs, "dy");
    const x = tensorInput<tf.Rank.R4>(inputs, "input");
    const info = tf.backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode);
    const pads = windowPads(info);
    if (!isTiling(info)) {
      const firstMax = tf.argMax(slidingWindows(padOrCrop(x, pads, LOWEST_FLOAT32), info), 1);
      return scatterToSlidingWindows(firstMax, dy, info, pads);
    }
    const windows = tiledWindows(padOrCrop(x, pads, -Infinity), info);
    // The wasm OneHot kernel writes int32 values whatever the dtype, hence the cast.
    const firstMax = tf.cast(tf.oneHot(tf.argMax(windows, 1), windows.shape[1]), "float32");
    return padOrCrop(untileWindows(tf.mul(firstMax, tf.reshape(dy, [-1, 1])), info), invertPads(pads));
  });
}

/**
 * `MaxPoolGrad` for the wasm backend. The stock kernel seeds its running maximum with the smallest positive float
 * instead of −∞, so windows whose values are all ≤ 0 (common after BatchNormalization) lose their gradient, and it
 * breaks ties towards the last maximum. This one gives each window's gradient to its first maximum in row-major
 * order (`ArgMax` over the window elements), like the cpu backend and TensorFlow.
 */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: "wasm",
  kernelFunc: maxPoolGrad,
};
