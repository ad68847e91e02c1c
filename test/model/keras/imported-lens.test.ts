import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { importedLens, parseInputScale } from "../../../shared/model/keras/imported-lens.js";
import { parseLensConfig } from "../../../shared/model/lens-config.js";

function model(activation: "sigmoid" | "softmax", inputShape = [16, 12, 3], units = 3): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.flatten({ inputShape }), tf.layers.dense({ units, activation })],
  });
}

describe("importedLens", () => {
  it("takes the input size from the model and fills thresholds of 0.5 for a multi-label model", () => {
    const lens = parseLensConfig(
      importedLens(model("sigmoid"), {
        name: "m",
        labels: ["a", "b", "c"],
        multiLabel: true,
        scale: 1 / 127.5,
        offset: -1,
      }),
    );
    expect(lens).toMatchObject({
      task: "multi-label",
      thresholds: [0.5, 0.5, 0.5],
      input: { width: 12, height: 16, channels: 3, scale: 1 / 127.5, offset: -1 },
    });
  });

  it("says which option to change when the task, labels or input do not fit the model", () => {
    expect(() =>
      importedLens(model("sigmoid"), { name: "m", labels: ["a", "b", "c"], multiLabel: false }),
    ).toThrow("the model ends in sigmoid, not softmax; add --multi-label for sigmoid outputs");
    expect(() =>
      importedLens(model("softmax"), { name: "m", labels: ["a", "b", "c"], multiLabel: true }),
    ).toThrow("drop --multi-label for a softmax model");
    expect(() =>
      importedLens(model("softmax"), { name: "m", labels: ["a", "b"], multiLabel: false }),
    ).toThrow("the model outputs [null,3] but --labels names 2; give one label per output unit, in order");
    expect(() =>
      importedLens(model("softmax", [16, 12, 4]), { name: "m", labels: ["a", "b", "c"], multiLabel: false }),
    ).toThrow("cnn-lens needs [null, height, width, 1 or 3]");
  });
});

describe("parseInputScale", () => {
  it("reads fractions and decimals", () => {
    expect(parseInputScale("1/255")).toBe(1 / 255);
    expect(parseInputScale(" 1 / 127.5 ")).toBe(1 / 127.5);
    expect(parseInputScale("0.5")).toBe(0.5);
    expect(parseInputScale("3.9e-3")).toBe(0.0039);
  });

  it("refuses what is not a positive number, showing the value and examples", () => {
    for (const bad of ["", "abc", "1/0", "-1", "0", "1/255/2"]) {
      expect(() => parseInputScale(bad)).toThrow(
        `scale ${JSON.stringify(bad)} is not a positive number or fraction; use for example 1/255`,
      );
    }
  });
});
