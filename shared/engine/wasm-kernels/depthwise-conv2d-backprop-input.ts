import * as tf from "@tensorflow/tfjs";
import { cropNegativePads, explicitPadding, inputGradientPads, spreadPixels } from "./conv-geometry.js";
import { tensorInput } from "./kernel-inputs.js";

function depthwiseConv2dNativeBackpropInput({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.Tensor4D {
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  return tf.tidy(() => {
    const dy = tensorInput<tf.Rank.R4>(inputs, "dy");
    const filter = tensorInput<tf.Rank.R4>(inputs, "filter");
    const [filterHeight, filterWidth, channels, multiplier] = filter.shape;
    const convInfo = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      true,
    );
    const flipped = tf.reshape<tf.Rank.R4>(tf.reverse(filter, [0, 1]), [
      filterHeight,
      filterWidth,
      channels * multiplier,
      1,
    ]);
    const pads = inputGradientPads(convInfo);
    const spread = cropNegativePads(spreadPixels(dy, convInfo.strideHeight, convInfo.strideWidth), pads);
    const dilation: [number, number] = [convInfo.dilationHeight, convInfo.dilationWidth];
    const dxPerOutputChannel = tf.depthwiseConv2d(
      spread,
      flipped,
      1,
      explicitPadding(pads),
      "NHWC",
      dilation,
    );
    if (multiplier === 1) {
      return dxPerOutputChannel;
    }
    const [batch, height, width] = inputShape;
    return tf.sum(tf.reshape(dxPerOutputChannel, [batch, height, width, channels, multiplier]), 4);
  });
}

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (the stock backend has none): an XNNPACK depthwise
 * convolution of the stride-spread output gradient with the flipped filter, summed over the channel multiplier.
 */
export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: "wasm",
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
