import type * as tf from "@tensorflow/tfjs";

/**
 * Layers whose TF.js 4.22 gradients differ from TensorFlow's, though their outputs agree. Predictions are
 * unaffected; Integrated Gradients and Grad-CAM through these layers may differ from TensorFlow's.
 */
export function gradientCaveats(model: tf.LayersModel): string[] {
  const caveats: string[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const at = `layer "${layer.name}" (${className})`;
    if (className === "AveragePooling2D" && averagePoolingPads(layer)) {
      caveats.push(
        `${at} pads its input (padding="same"): TF.js 4.22 takes the gradient of its padded border windows ` +
          'differently from TensorFlow, so attributions near the border differ; use padding="valid" or an input ' +
          "size that the pooling tiles",
      );
    }
    if (className === "GlobalMaxPooling2D") {
      caveats.push(
        `${at}: where several positions tie for the maximum (as on a black baseline) TF.js gives each the whole ` +
          "gradient and TensorFlow splits it, so Integrated Gradients differ from TensorFlow's by a few percent",
      );
    }
  }
  return caveats;
}

/** Whether a `same` average pooling adds padding: its windows do not tile the input exactly. */
function averagePoolingPads(layer: tf.layers.Layer): boolean {
  const config = layer.getConfig();
  if (config.padding !== "same") return false;
  const [, height, width] = layer.inputSpec?.[0]?.shape ?? (layer.input as tf.SymbolicTensor).shape;
  const pool = config.poolSize as [number, number];
  const strides = (config.strides as [number, number] | null) ?? pool;
  return [height, width].some((size, i) => {
    if (typeof size !== "number") return true;
    const out = Math.ceil(size / strides[i]);
    return (out - 1) * strides[i] + pool[i] - size > 0;
  });
}
