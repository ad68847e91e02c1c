import * as tf from "@tensorflow/tfjs";
import { explicitPadding, filterGradientPads } from "./conv-geometry.js";
import { tensorInput } from "./kernel-inputs.js";

function conv2DBackpropFilter({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.Tensor4D {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const channelsFirst = dataFormat === "NCHW";
  return tf.tidy(() => {
    const x = tensorInput<tf.Rank.R4>(inputs, "x");
    const dy = tensorInput<tf.Rank.R4>(inputs, "dy");
    const convInfo = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      channelsFirst ? "channelsFirst" : "channelsLast",
    );
    // The batch axis becomes the channel axis: x as [inChannels, H, W, batch], dy as a [outH, outW, batch, outChannels]
    // filter dilated by the forward strides. Negative pads only add rows/columns beyond the filter, sliced off below.
    const xByChannel = tf.transpose(x, channelsFirst ? [1, 2, 3, 0] : [3, 1, 2, 0]);
    const dyAsFilter = tf.transpose(dy, channelsFirst ? [2, 3, 0, 1] : [1, 2, 0, 3]);
    const padding = explicitPadding(filterGradientPads(convInfo));
    const dilations: [number, number] = [convInfo.strideHeight, convInfo.strideWidth];
    const dw = tf.conv2d(xByChannel, dyAsFilter, 1, padding, "NHWC", dilations);
    const [filterHeight, filterWidth] = filterShape;
    return tf.transpose(tf.slice(dw, 0, [-1, filterHeight, filterWidth, -1]), [1, 2, 0, 3]);
  });
}

/**
 * `Conv2DBackpropFilter` for the wasm backend (the stock backend has none): one XNNPACK `Conv2D` with batch and channel
 * axes swapped, in which the output gradient acts as a filter dilated by the forward strides.
 */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2DBackpropFilter,
};
