import { describe, expect, it } from "vitest";
import { decide, defaultTargets, targetsByName } from "../../shared/model/prediction.js";
import { parseLensConfig } from "../../shared/model/lens-config.js";
import { SEED_LENS } from "../../shared/model/seed-lens.js";

const multiLabel = parseLensConfig(SEED_LENS);
const singleLabel = parseLensConfig({
  schemaVersion: 1,
  name: "digits",
  labels: ["a", "b", "c", "d"],
  task: "single-label",
  topK: 2,
  input: { width: 64, height: 64 },
});

describe("decide", () => {
  it("predicts every class that reaches its own threshold, reading scores as sigmoid outputs", () => {
    const decision = decide([0.56, 0.42, 0.1, 0.37, 0.18], multiLabel);
    expect(decision.labels).toEqual(["frog_eye_leaf_spot", "complex", "powdery_mildew"]);
    expect(decision.classes[0]).toEqual({
      label: "scab",
      index: 0,
      score: 0.56,
      threshold: 0.57,
      predicted: false,
    });
    expect(defaultTargets(decision)).toEqual([1, 3, 4]);
  });

  it("says healthy when no class passes, and explains the top class then", () => {
    const decision = decide([0.2, 0.3, 0.35, 0.1, 0.05], multiLabel);
    expect(decision.labels).toEqual(["healthy"]);
    expect(decision.ranked[0].label).toBe("rust");
    expect(defaultTargets(decision)).toEqual([2]);
  });

  it("takes the top class of a softmax model and ranks the top k", () => {
    const decision = decide([0.1, 0.6, 0.25, 0.05], singleLabel);
    expect(decision.labels).toEqual(["b"]);
    expect(decision.ranked.map((c) => c.label)).toEqual(["b", "c"]);
    expect(defaultTargets(decision)).toEqual([1]);
  });

  it("rejects a score count that does not match the labels", () => {
    expect(() => decide([0.1, 0.2], multiLabel)).toThrow(/expected 5 scores, one per label, got 2/);
  });
});

describe("targetsByName", () => {
  it("maps names to class indices, once each", () => {
    expect(targetsByName(["rust", "scab", "rust"], multiLabel)).toEqual([2, 0]);
  });

  it("names the unknown target and the known labels", () => {
    expect(() => targetsByName(["rot"], multiLabel)).toThrow(
      /unknown target "rot"; the model's labels are scab, /,
    );
  });
});
