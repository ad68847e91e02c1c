import * as tf from "@tensorflow/tfjs";
import { cropNegativePads, explicitPadding, inputGradientPads, spreadPixels } from "./conv-geometry.js";
import { tensorInput } from "./kernel-inputs.js";

function conv2DBackpropInput({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.Tensor4D {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const channelsFirst = dataFormat === "NCHW";
  return tf.tidy(() => {
    const dyInput = tensorInput<tf.Rank.R4>(inputs, "dy");
    const dy = channelsFirst ? tf.transpose(dyInput, [0, 2, 3, 1]) : dyInput;
    const filter = tensorInput<tf.Rank.R4>(inputs, "filter");
    const [batch, height, width, channels] = channelsFirst
      ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]]
      : inputShape;
    const convInfo = tf.backend_util.computeConv2DInfo(
      [batch, height, width, channels],
      filter.shape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const pads = inputGradientPads(convInfo);
    const spread = cropNegativePads(spreadPixels(dy, convInfo.strideHeight, convInfo.strideWidth), pads);
    const dx = tf.conv2d(spread, flipped, 1, explicitPadding(pads));
    return channelsFirst ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

/**
 * `Conv2DBackpropInput` for the wasm backend: a stride-1 XNNPACK `Conv2D` of the stride-spread output gradient with
 * the spatially flipped, channel-transposed filter. Replaces the stock scalar loop.
 */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: conv2DBackpropInput,
};
