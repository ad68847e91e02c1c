import * as tf from "@tensorflow/tfjs";
import { BadModelError } from "../errors.js";
import { executeWithReplacement } from "./graph-executor.js";
import { selectionMatrix } from "./selection-matrix.js";

/**
 * Grad-CAM (Selvaraju et al. 2017, https://arxiv.org/abs/1610.02391) on the last convolution layer:
 * L = ReLU(Σₖ αₖ Aₖ) with αₖ = mean over positions of ∂y/∂Aₖ, upsampled bilinearly to the input size.
 */

const CONVOLUTIONS = new Set(["Conv2D", "DepthwiseConv2D", "SeparableConv2D"]);

/** Grad-CAM maps for one image, one per target. */
export interface GradCamMaps {
  /** The convolution layer whose feature maps are weighted. */
  readonly layer: string;
  readonly height: number;
  readonly width: number;
  /** Per target: the map at input size (flat HW), scaled so its maximum is 1 (all zeros if nothing is positive). */
  readonly maps: readonly Float32Array[];
}

/** The last convolution layer of the model; throws if there is none. */
export function lastConvolutionLayer(model: tf.LayersModel): tf.layers.Layer {
  const layer = model.layers.findLast((candidate) => CONVOLUTIONS.has(candidate.getClassName()));
  if (!layer)
    throw new BadModelError(
      `${model.name} has no Conv2D, DepthwiseConv2D or SeparableConv2D layer for Grad-CAM`,
    );
  return layer;
}

/** Grad-CAM of `input` `[1, h, w, c]` for each target output of `model`, in one backward pass. */
export function gradCam(model: tf.LayersModel, input: tf.Tensor4D, targets: readonly number[]): GradCamMaps {
  const layer = lastConvolutionLayer(model);
  const [, height, width] = input.shape;
  const maps = tf.tidy(() => {
    const features = layer.output as tf.SymbolicTensor;
    const featureValues = tf.model({ inputs: model.inputs, outputs: features }).predict(input) as tf.Tensor4D;
    const repeated = featureValues.tile([targets.length, 1, 1, 1]) as tf.Tensor4D;
    const inputs = input.tile([targets.length, 1, 1, 1]);
    const gradients = tf.grad((replacement: tf.Tensor) => {
      const outputs = executeWithReplacement(model, inputs, features, replacement) as tf.Tensor2D;
      return selectionMatrix(targets, outputs.shape[1]).mul(outputs).sum();
    })(repeated);
    const channelWeights = gradients.mean([1, 2]).reshape([targets.length, 1, 1, -1]);
    const cam = repeated.mul(channelWeights).sum(-1, true).relu() as tf.Tensor4D;
    const upsampled = tf.image.resizeBilinear(cam, [height, width]);
    const maxima = upsampled.max([1, 2, 3], true);
    return upsampled.div(maxima.add(tf.scalar(1e-12))).reshape([targets.length, height * width]);
  });
  const values = maps.dataSync() as Float32Array;
  maps.dispose();
  const size = height * width;
  return {
    layer: layer.name,
    height,
    width,
    maps: targets.map((_, t) => values.slice(t * size, (t + 1) * size)),
  };
}
