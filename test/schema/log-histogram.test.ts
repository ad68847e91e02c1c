import { describe, expect, it } from "vitest";
import {
  addValue,
  binBounds,
  binOf,
  combineHistograms,
  emptyHistogram,
  histogramCount,
  histogramQuantile,
} from "../../shared/schema/log-histogram.js";

describe("log histogram", () => {
  it("puts each value in the bin whose edges hold it", () => {
    for (const value of [1e-9, 3.3e-4, 0.0123, 1, 7.77, 4321]) {
      const [low, high] = binBounds(binOf(value));
      expect(low).toBeLessThanOrEqual(value * (1 + 1e-12));
      expect(value).toBeLessThan(high);
      expect(high / low).toBeCloseTo(10 ** (1 / 20), 12);
    }
  });

  it("adds and subtracts exactly, dropping emptied bins, and counts values ≤ 0 apart", () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    for (const value of [0, 0.01, 0.02, 0.02, 5]) addValue(a, value);
    for (const value of [0.02, 5, -1]) addValue(b, value);
    const sum = combineHistograms(a, b, 1);
    expect(histogramCount(sum)).toBe(8);
    expect(sum.nonPositive).toBe(2);
    const back = combineHistograms(sum, b, -1);
    expect(back).toEqual(a);
    expect(combineHistograms(a, a, -1)).toEqual(emptyHistogram());
  });

  it("reads quantiles back within 6% of the exact ones", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 10 ** (-4 + (4 * i) / 999));
    const histogram = emptyHistogram();
    for (const value of values) addValue(histogram, value);
    for (const q of [0.1, 0.5, 0.95, 1]) {
      const exact = values[Math.min(values.length - 1, Math.floor(q * values.length))];
      const read = histogramQuantile(histogram, q) ?? NaN;
      expect(Math.abs(read / exact - 1)).toBeLessThan(0.06);
    }
    expect(histogramQuantile(emptyHistogram(), 0.5)).toBeUndefined();
  });
});
