import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initBackend, runtimeInfo } from "../../shared/engine/backend.js";

describe("initBackend", () => {
  it("falls back past the native packages that cannot load here and records why", async () => {
    const info = await initBackend("auto");
    expect(tf.getBackend()).toBe(info.backend);
    expect(["tensorflow", "wasm", "cpu"]).toContain(info.backend);
    expect(info.tfjsVersion).toBe(tf.version.tfjs);
    if (info.backend !== "tensorflow") {
      expect(info.skipped.map((reason) => reason.split(":")[0])).toEqual(["tensorflow-gpu", "tensorflow"]);
    }
    expect(runtimeInfo()).toBe(info);
    expect(tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]).toBe(5);
  });
});
