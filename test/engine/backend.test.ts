import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initBackend, runtimeInfo } from "../../shared/engine/backend.js";

describe("initBackend", () => {
  it("runs the first backend that loads and records why each one before it did not", async () => {
    const info = await initBackend("auto");
    expect(tf.getBackend()).toBe(info.backend);
    expect(["tensorflow", "wasm", "cpu"]).toContain(info.backend);
    expect(info.tfjsVersion).toBe(tf.version.tfjs);
    // No GPU binding is ever built here (only the GPU worker image builds one), and it says how to get one.
    expect(info.skipped[0]).toMatch(/^tensorflow-gpu: @tensorflow\/tfjs-node-gpu has no compiled binding: /);
    const skippedBackends = info.skipped.map((reason) => reason.split(":")[0]);
    expect(skippedBackends).toEqual(
      info.backend === "tensorflow" ? ["tensorflow-gpu"] : ["tensorflow-gpu", "tensorflow"],
    );
    expect(runtimeInfo()).toBe(info);
    expect(tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]).toBe(5);
  });
});
