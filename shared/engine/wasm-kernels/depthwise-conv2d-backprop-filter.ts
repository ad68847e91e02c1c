import * as tf from "@tensorflow/tfjs";
import { explicitPadding, filterGradientPads } from "./conv-geometry.js";
import { tensorInput } from "./kernel-inputs.js";

function depthwiseConv2dNativeBackpropFilter({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.Tensor4D {
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  return tf.tidy(() => {
    const x = tensorInput<tf.Rank.R4>(inputs, "x");
    const dy = tensorInput<tf.Rank.R4>(inputs, "dy");
    const [batch, height, width, channels] = x.shape;
    const [filterHeight, filterWidth, , multiplier] = filterShape;
    const convInfo = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      true,
    );
    // The batch folds into the channels: x as one image with batch·channels channels, dy as its depthwise filter,
    // dilated by the forward strides and striding by the forward dilations.
    const xFolded = tf.reshape<tf.Rank.R4>(tf.transpose(x, [1, 2, 0, 3]), [
      1,
      height,
      width,
      batch * channels,
    ]);
    const dyAsFilter = tf.reshape<tf.Rank.R4>(tf.transpose(dy, [1, 2, 0, 3]), [
      convInfo.outHeight,
      convInfo.outWidth,
      batch * channels,
      multiplier,
    ]);
    const dwPerImage = tf.depthwiseConv2d(
      xFolded,
      dyAsFilter,
      [convInfo.dilationHeight, convInfo.dilationWidth],
      explicitPadding(filterGradientPads(convInfo)),
      "NHWC",
      [convInfo.strideHeight, convInfo.strideWidth],
    );
    const dw = tf.slice(dwPerImage, 0, [1, filterHeight, filterWidth, -1]);
    return tf.sum(tf.reshape(dw, [filterHeight, filterWidth, batch, channels, multiplier]), 2);
  });
}

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (the stock backend has none): one XNNPACK depthwise
 * convolution with the batch folded into the channels and the output gradient acting as the filter.
 */
export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: "wasm",
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
