import * as tf from "@tensorflow/tfjs";
import { conv2DBackpropFilterConfig } from "../../../shared/engine/wasm-kernels/conv2d-backprop-filter.js";
import { conv2dAttrs, conv2dGeometry, describeConv2DBackprop } from "./conv2d-backprop-suite.js";
import { randomTensor } from "./harness.js";

describeConv2DBackprop({
  kernelName: tf.Conv2DBackpropFilter,
  config: conv2DBackpropFilterConfig,
  call: (c, dataFormat) => {
    const { inputShape, info } = conv2dGeometry(c, dataFormat);
    return {
      kernelName: tf.Conv2DBackpropFilter,
      inputs: { x: randomTensor(inputShape, 21), dy: randomTensor(info.outShape, 22) },
      attrs: { ...conv2dAttrs(c, dataFormat), filterShape: c.filterShape },
    };
  },
  outputShape: (c) => c.filterShape,
});
