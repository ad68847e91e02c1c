import * as tf from "@tensorflow/tfjs";
import { BadModelError } from "../errors.js";
import type { ExplainedOutput } from "../schema/explanation-vocabulary.js";

type LayerClass = new (config: tf.serialization.ConfigDict) => tf.layers.Layer;

/** The activation that produces the model's outputs: `sigmoid`, `softmax`, `linear`, …. */
export function finalActivation(model: tf.LayersModel): string {
  const last = lastLayer(model);
  if (last.getClassName() === "Softmax") return "softmax";
  const activation = last.getConfig().activation;
  return typeof activation === "string" ? activation : "linear";
}

/**
 * The model whose outputs are explained: the model itself for probabilities; for logits, the same layers with
 * the last activation removed (an Activation layer is skipped, a Dense or Conv layer is rebuilt as linear with
 * the same weights).
 */
export function outputModel(model: tf.LayersModel, output: ExplainedOutput): tf.LayersModel {
  if (output === "probability") return model;
  const last = lastLayer(model);
  const input = last.input;
  if (Array.isArray(input))
    throw new BadModelError(`the last layer ${last.name} has several inputs; logits are unsupported`);
  if (["Activation", "Softmax"].includes(last.getClassName())) {
    return tf.model({ inputs: model.inputs, outputs: input, name: `${model.name}_logits` });
  }
  if (!("activation" in last.getConfig())) {
    throw new BadModelError(
      `the last layer ${last.name} (${last.getClassName()}) has no activation to remove; explain "probability" instead`,
    );
  }
  const Linear = last.constructor as LayerClass;
  const linear = new Linear({ ...last.getConfig(), activation: "linear", name: `${last.name}_logits` });
  const logits = linear.apply(input) as tf.SymbolicTensor;
  linear.setWeights(last.getWeights());
  return tf.model({ inputs: model.inputs, outputs: logits, name: `${model.name}_logits` });
}

function lastLayer(model: tf.LayersModel): tf.layers.Layer {
  return model.layers[model.layers.length - 1];
}
