import { describe, expect, it } from "vitest";
import { classMetrics } from "../../training/metrics.js";
import { tuneThreshold, tuneThresholds } from "../../training/thresholds.js";

/** F1 of one class at one threshold, by brute force. */
function f1At(scores: number[], actual: number[], threshold: number): number {
  return classMetrics(
    "c",
    scores.map((s) => s >= threshold),
    actual.map((a) => a === 1),
  ).f1;
}

describe("tuneThreshold", () => {
  it("puts the threshold in the gap that separates the classes, where F1 is 1", () => {
    const tuned = tuneThreshold([0.1, 0.2, 0.35, 0.45, 0.8, 0.9], [0, 0, 0, 1, 1, 1]);
    expect(tuned.f1).toBe(1);
    expect(tuned.threshold).toBeCloseTo(0.4, 12); // midway between 0.35 and 0.45
  });

  it("finds the F1-optimal cut of an overlapping example, checked against every possible threshold", () => {
    // Sorted by score: 0.95 P, 0.9 N, 0.8 P, 0.7 P, 0.6 N, 0.5 N, 0.4 P, 0.3 N, 0.2 N, 0.1 N (4 positives).
    const scores = [0.3, 0.95, 0.5, 0.8, 0.1, 0.7, 0.9, 0.4, 0.2, 0.6];
    const actual = [0, 1, 0, 1, 0, 1, 0, 1, 0, 0];
    // Cuts: top 1 → F1 2/5; top 3 → 4/7; top 4 → 3·2/(4+4) = 0.75; top 7 → 8/11 ≈ 0.727; all → 8/14.
    const tuned = tuneThreshold(scores, actual);
    expect(tuned.f1).toBeCloseTo(0.75, 12);
    expect(tuned.threshold).toBeCloseTo(0.65, 12); // between 0.7 (kept) and 0.6 (dropped)
    expect(f1At(scores, actual, tuned.threshold)).toBeCloseTo(0.75, 12);
    const best = Math.max(...Array.from({ length: 101 }, (_, i) => f1At(scores, actual, i / 100)));
    expect(tuned.f1).toBeGreaterThanOrEqual(best);
  });

  it("predicts tied scores together, and can predict everything", () => {
    const tuned = tuneThreshold([0.5, 0.5, 0.5, 0.2], [1, 1, 0, 1]);
    // Cut after the ties: TP 2, FP 1, FN 1 → 2/3; predict all: TP 3, FP 1 → 6/7.
    expect(tuned.f1).toBeCloseTo(6 / 7, 12);
    expect(tuned.threshold).toBeCloseTo(0.1, 12);
    expect(f1At([0.5, 0.5, 0.5, 0.2], [1, 1, 0, 1], tuned.threshold)).toBeCloseTo(6 / 7, 12);
  });

  it("falls back when the class never occurs", () => {
    expect(tuneThreshold([0.3, 0.7], [0, 0])).toEqual({ threshold: 0.5, f1: 0 });
  });

  it("tunes each class on its own column", () => {
    const tuned = tuneThresholds(
      2,
      [
        [0.9, 0.1],
        [0.2, 0.3],
        [0.6, 0.8],
      ],
      [
        [1, 0],
        [0, 0],
        [1, 1],
      ],
    );
    expect(tuned.map((t) => t.f1)).toEqual([1, 1]);
    expect(tuned[0].threshold).toBeCloseTo(0.4, 12);
    expect(tuned[1].threshold).toBeCloseTo(0.55, 12);
  });
});
