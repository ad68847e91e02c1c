import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { gradientCaveats } from "../../../shared/model/keras/gradient-caveats.js";

function pooled(size: number, padding: "same" | "valid"): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.averagePooling2d({ inputShape: [size, size, 2], poolSize: 2, padding, name: "pool" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: "softmax" }),
    ],
  });
}

describe("gradientCaveats", () => {
  it("flags average pooling only when padding='same' really pads the input", () => {
    expect(gradientCaveats(pooled(17, "same"))).toEqual([
      expect.stringContaining('layer "pool" (AveragePooling2D) pads its input (padding="same")'),
    ]);
    expect(gradientCaveats(pooled(16, "same"))).toEqual([]);
    expect(gradientCaveats(pooled(17, "valid"))).toEqual([]);
  });
});
