import type * as tf from "@tensorflow/tfjs";

/**
 * The only way attribution methods reach a model: a differentiable function from a batch of model inputs
 * `[n, height, width, channels]` to the explained outputs `[n, classes]`. A tfjs model and an analytic test
 * function stand in the same place.
 */
export type ExplainedFunction = (inputs: tf.Tensor4D) => tf.Tensor2D;

/** A model as an {@link ExplainedFunction}, in inference mode (dropout off, BatchNorm moving statistics). */
export function explainedFunction(model: tf.LayersModel): ExplainedFunction {
  return (inputs) => model.apply(inputs, { training: false }) as tf.Tensor2D;
}

/** Height, width and channels of one model input. */
export type InputShape = readonly [height: number, width: number, channels: number];

/** The number of values in one input of this shape. */
export function inputSize([height, width, channels]: InputShape): number {
  return height * width * channels;
}
