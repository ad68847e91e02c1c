import { describe, expect, it } from "vitest";
import { classMetrics, evaluate, scores } from "../../training/metrics.js";

describe("classMetrics", () => {
  it("counts TP, FP and FN and derives precision, recall and F1 by hand", () => {
    // predicted: 1 1 1 0 0 1; actual: 1 0 1 1 0 0 → TP 2, FP 2, FN 1.
    const m = classMetrics(
      "rust",
      [true, true, true, false, false, true],
      [true, false, true, true, false, false],
    );
    expect(m).toMatchObject({
      label: "rust",
      support: 3,
      truePositives: 2,
      falsePositives: 2,
      falseNegatives: 1,
    });
    expect(m.precision).toBeCloseTo(2 / 4, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 12); // = 4/7
    expect(m.f1).toBeCloseTo(4 / 7, 12);
  });

  it("gives 0 rather than NaN when nothing is predicted or nothing is present", () => {
    expect(scores(0, 0, 3)).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(scores(0, 2, 0)).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(scores(0, 0, 0)).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(scores(5, 0, 0)).toEqual({ precision: 1, recall: 1, f1: 1 });
  });

  it("refuses predictions and truths of different lengths", () => {
    expect(() => classMetrics("x", [true], [true, false])).toThrow(RangeError);
  });
});

describe("evaluate", () => {
  const labels = ["a", "b"];
  const scoreRows = [
    [0.9, 0.2],
    [0.6, 0.7],
    [0.3, 0.8],
    [0.1, 0.1],
  ];
  const targets = [
    [1, 0],
    [0, 1],
    [1, 1],
    [0, 0],
  ];

  it("applies each class's threshold with score ≥ threshold, and averages F1 over classes", () => {
    const e = evaluate(labels, scoreRows, targets, [0.5, 0.7]);
    // a: predicted rows 0, 1; actual rows 0, 2 → TP 1, FP 1, FN 1 → P = R = F1 = 0.5.
    expect(e.classes[0]).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 1, f1: 0.5 });
    // b: predicted rows 1 (0.7 ≥ 0.7), 2; actual rows 1, 2 → F1 = 1.
    expect(e.classes[1]).toMatchObject({ truePositives: 2, falsePositives: 0, falseNegatives: 0, f1: 1 });
    expect(e.macroF1).toBeCloseTo(0.75, 12);
    // Exact label sets: row 0 {a} = {a}; row 1 {a,b} ≠ {b}; row 2 {b} ≠ {a,b}; row 3 {} = {}.
    expect(e.exactMatch).toBeCloseTo(0.5, 12);
    expect(e.count).toBe(4);
  });

  it("refuses a threshold count that does not match the labels", () => {
    expect(() => evaluate(labels, scoreRows, targets, [0.5])).toThrow(RangeError);
  });
});
