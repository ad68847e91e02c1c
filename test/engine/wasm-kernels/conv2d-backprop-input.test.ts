import * as tf from "@tensorflow/tfjs";
import { conv2DBackpropInputConfig } from "../../../shared/engine/wasm-kernels/conv2d-backprop-input.js";
import { conv2dAttrs, conv2dGeometry, describeConv2DBackprop } from "./conv2d-backprop-suite.js";
import { randomTensor } from "./harness.js";

describeConv2DBackprop({
  kernelName: tf.Conv2DBackpropInput,
  config: conv2DBackpropInputConfig,
  call: (c, dataFormat) => {
    const { inputShape, info } = conv2dGeometry(c, dataFormat);
    return {
      kernelName: tf.Conv2DBackpropInput,
      inputs: { dy: randomTensor(info.outShape, 11), filter: randomTensor(c.filterShape, 12) },
      attrs: { ...conv2dAttrs(c, dataFormat), inputShape },
    };
  },
  outputShape: (c, dataFormat) => conv2dGeometry(c, dataFormat).inputShape,
});
