import * as tf from "@tensorflow/tfjs";
import { BadModelError } from "../errors.js";

/**
 * Runs a layers model eagerly, layer by layer, with the value of one intermediate tensor replaced: the output
 * is then a differentiable function of that replacement (what Grad-CAM needs), and skip connections from
 * earlier layers still see the real input.
 */
export function executeWithReplacement(
  model: tf.LayersModel,
  input: tf.Tensor,
  replaced: tf.SymbolicTensor,
  replacement: tf.Tensor,
): tf.Tensor {
  const values = new Map<number, tf.Tensor>([
    [model.inputs[0].id, input],
    [replaced.id, replacement],
  ]);
  for (const layer of model.layers) {
    for (const node of layer.inboundNodes) {
      const ready = node.inputTensors.length > 0 && node.inputTensors.every((t) => values.has(t.id));
      if (!ready || node.outputTensors.every((t) => values.has(t.id))) continue;
      const inputs = node.inputTensors.map((t) => values.get(t.id) as tf.Tensor);
      const outputs = layer.apply(inputs.length === 1 ? inputs[0] : inputs, {
        ...node.callArgs,
        training: false,
      });
      const list = Array.isArray(outputs) ? outputs : [outputs];
      node.outputTensors.forEach((t, i) => values.set(t.id, list[i] as tf.Tensor));
    }
  }
  const output = values.get(model.outputs[0].id);
  if (!output) throw new BadModelError(`could not run ${model.name} layer by layer from ${replaced.name}`);
  return output;
}
