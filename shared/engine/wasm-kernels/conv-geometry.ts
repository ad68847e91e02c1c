import * as tf from "@tensorflow/tfjs";

/** Padding of the two spatial axes; a negative value means cropping. */
export interface SpatialPads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Spreads the pixels of NHWC `x` by the strides: every pixel is followed by `strideHeight - 1` zero rows and
 * `strideWidth - 1` zero columns, giving `[N, H·strideHeight, W·strideWidth, C]`.
 */
export function spreadPixels(x: tf.Tensor4D, strideHeight: number, strideWidth: number): tf.Tensor4D {
  if (strideHeight === 1 && strideWidth === 1) {
    return x;
  }
  const [batch, height, width, channels] = x.shape;
  const spread = tf.pad(tf.reshape(x, [batch, height, 1, width, 1, channels]), [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return tf.reshape(spread, [batch, height * strideHeight, width * strideWidth, channels]);
}

/**
 * Padding under which a stride-1 correlation of the {@link spreadPixels spread} output gradient with the spatially
 * flipped filter (same dilation) yields the input gradient of the convolution described by `convInfo`.
 */
export function inputGradientPads(convInfo: tf.backend_util.Conv2DInfo): SpatialPads {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, padInfo } = convInfo;
  return {
    top: convInfo.effectiveFilterHeight - 1 - padInfo.top,
    bottom: inHeight - outHeight * strideHeight + padInfo.top,
    left: convInfo.effectiveFilterWidth - 1 - padInfo.left,
    right: inWidth - outWidth * strideWidth + padInfo.left,
  };
}

/**
 * Padding under which correlating the input with the output gradient (dilated by the forward strides, striding by
 * the forward dilations) yields exactly `filterHeight × filterWidth` positions of the filter gradient.
 */
export function filterGradientPads(convInfo: tf.backend_util.Conv2DInfo): SpatialPads {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, padInfo } = convInfo;
  return {
    top: padInfo.top,
    bottom: (outHeight - 1) * strideHeight + convInfo.effectiveFilterHeight - inHeight - padInfo.top,
    left: padInfo.left,
    right: (outWidth - 1) * strideWidth + convInfo.effectiveFilterWidth - inWidth - padInfo.left,
  };
}

/** `pads` with negative values replaced by 0, as explicit NHWC padding. */
export function explicitPadding({ top, bottom, left, right }: SpatialPads): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ];
}

/** Crops NHWC `x` where `pads` are negative (a slice, which the wasm backend does in JS: avoid on large tensors). */
export function cropNegativePads(x: tf.Tensor4D, pads: SpatialPads): tf.Tensor4D {
  const { top, bottom, left, right } = pads;
  if (Math.min(top, bottom, left, right) >= 0) {
    return x;
  }
  const cut = (p: number): number => Math.max(-p, 0);
  const [batch, height, width, channels] = x.shape;
  return tf.slice(
    x,
    [0, cut(top), cut(left), 0],
    [batch, height - cut(top) - cut(bottom), width - cut(left) - cut(right), channels],
  );
}

/** Pads NHWC `x` spatially with `value` where `pads` are positive and crops it where they are negative. */
export function padOrCrop(x: tf.Tensor4D, pads: SpatialPads, value = 0): tf.Tensor4D {
  const cropped = cropNegativePads(x, pads);
  const padding = explicitPadding(pads);
  return padding.flat().some((p) => p > 0) ? tf.pad(cropped, padding, value) : cropped;
}

/** The pads that undo `pads`. */
export function invertPads({ top, bottom, left, right }: SpatialPads): SpatialPads {
  return { top: -top, bottom: -bottom, left: -left, right: -right };
}
