import { describe, expect, it } from "vitest";
import { classConfusion, displayBins, reportPlots } from "../../shared/report/report-plots.js";
import { binCounts, binEdges } from "../../shared/report/svg-charts.js";
import type { IndexRecord } from "../../shared/schema/index-record.js";
import { totalsOf } from "../../shared/schema/index-totals.js";
import { addValue, emptyHistogram } from "../../shared/schema/log-histogram.js";
import { syntheticRecord } from "../fixtures/records.js";

function record(
  actual: string[] | null,
  predicted: string[],
  status: "explained" | "failed" = "explained",
): IndexRecord {
  return { ...syntheticRecord(0), status, actualLabels: actual, predictedLabels: predicted };
}

describe("classConfusion", () => {
  it("counts each class one-vs-rest over the explained images with ground truth", () => {
    const confusion = classConfusion(
      totalsOf([
        record(["rust"], ["rust"]),
        record(["rust", "scab"], ["rust"]),
        record(["healthy"], ["scab"]),
        record(null, ["rust"]),
        record(["rust"], [], "failed"),
      ]),
    );
    expect(confusion).toEqual([
      { label: "healthy", truePositives: 0, falseNegatives: 1, falsePositives: 0, trueNegatives: 2 },
      { label: "rust", truePositives: 2, falseNegatives: 0, falsePositives: 0, trueNegatives: 1 },
      { label: "scab", truePositives: 0, falseNegatives: 1, falsePositives: 1, trueNegatives: 1 },
    ]);
  });

  it("is empty, and says so, when no image has labels", () => {
    expect(classConfusion(totalsOf([record(null, ["rust"])]))).toEqual([]);
    expect(reportPlots(totalsOf([record(null, ["rust"])]))).toContain("No image has ground-truth labels.");
  });
});

describe("histogram bins", () => {
  it("span the values linearly, the maximum in the last bin", () => {
    const edges = binEdges([0, 1, 2, 3, 4], 4, "linear");
    expect(edges).toEqual([0, 1, 2, 3, 4]);
    expect(binCounts([0, 1, 2, 3, 4], edges, "linear")).toEqual([1, 1, 1, 2]);
  });

  it("span decades logarithmically, zero errors in the first bin", () => {
    const edges = binEdges([0.001, 0.01, 0.1, 0], 2, "log");
    expect(edges.map((edge) => Number(edge.toPrecision(6)))).toEqual([0.001, 0.01, 0.1]);
    expect(binCounts([0.001, 0.01, 0.1, 0], edges, "log")).toEqual([2, 2]);
  });
});

describe("displayBins", () => {
  it("merges the index's fine log bins into at most 16 bars spanning the values, zeros in the first", () => {
    const histogram = emptyHistogram();
    const values = [0, 1e-4, 2e-4, 1e-3, 0.05, 0.3];
    for (const value of values) addValue(histogram, value);
    const bars = displayBins(histogram);
    expect(bars.length).toBeLessThanOrEqual(16);
    expect(bars.reduce((sum, bar) => sum + bar.count, 0)).toBe(values.length);
    expect(bars[0].count).toBe(2);
    expect(bars[0].low).toBeLessThanOrEqual(1e-4);
    expect(bars[bars.length - 1].high).toBeGreaterThan(0.3);
    for (const [i, bar] of bars.slice(1).entries()) expect(bar.low).toBeCloseTo(bars[i].high, 12);
    expect(displayBins(emptyHistogram())).toEqual([]);
  });
});
