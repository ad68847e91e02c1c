import * as tf from "@tensorflow/tfjs";

/** The benchmark's seed-sized model: 256×256×3, Conv32-BN-Pool-Conv64-BN-Pool-Conv64-Pool-Conv128-Pool-Dense64-Dense5 (sigmoid). */
export function seedSizedCnn(size = 256): tf.Sequential {
  let seed = 1;
  const kernelInitializer = () => tf.initializers.glorotUniform({ seed: seed++ });
  const conv = (filters: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: kernelInitializer(),
    });
  const model = tf.sequential({
    name: "seed_sized",
    layers: [
      tf.layers.inputLayer({ inputShape: [size, size, 3] }),
      conv(32),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(64),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(64),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(128),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: kernelInitializer() }),
      tf.layers.dense({ units: 5, activation: "sigmoid", kernelInitializer: kernelInitializer() }),
    ],
  });
  // Trained-looking BatchNormalization statistics, so that some pooling windows after BN are all negative.
  for (const layer of model.layers.filter((l) => l.getClassName() === "BatchNormalization")) {
    const [channels] = layer.getWeights()[0]?.shape ?? [0];
    const uniform = (min: number, max: number) => tf.randomUniform([channels], min, max, "float32", seed++);
    layer.setWeights([uniform(0.5, 1.5), uniform(-0.5, 0.5), uniform(0.2, 1.0), uniform(0.5, 2.0)]);
  }
  return model;
}

/** Multiply-adds ×2 of one forward pass through the convolution and dense layers. */
export function forwardFlops(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const config = layer.getConfig();
    const output = layer.outputShape as number[];
    const input = layer.inputSpec?.[0]?.shape ?? (layer.input as tf.SymbolicTensor).shape;
    const inputChannels = Number(input[input.length - 1]);
    if (layer.getClassName() === "Conv2D") {
      const [kh, kw] = config.kernelSize as [number, number];
      flops += 2 * Number(output[1]) * Number(output[2]) * kh * kw * inputChannels * Number(output[3]);
    } else if (layer.getClassName() === "Dense") {
      flops += 2 * inputChannels * Number(output[1]);
    }
  }
  return flops;
}
