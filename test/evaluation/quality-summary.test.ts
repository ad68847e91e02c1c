import { describe, expect, it } from "vitest";
import type { LabelMeasure } from "../../evaluation/attribution-quality.js";
import { checkTargets, summarize } from "../../evaluation/quality-summary.js";
import { qualityTable, targetLines } from "../../evaluation/quality-table.js";

function measure(
  label: string,
  area: number,
  ig: [number, boolean, number],
  cam: [number, boolean, number],
): LabelMeasure {
  return {
    image: `${label}.jpg`,
    label,
    score: 0.9,
    areaShare: area,
    maskPixels: 100,
    integratedGradients: {
      massShare: ig[0],
      leafMassShare: 0.8,
      pointingHit: ig[1],
      empty: false,
      randomizationRho: ig[2],
      steps: 16,
      relativeError: 0.001,
    },
    gradCam: {
      massShare: cam[0],
      leafMassShare: 0.9,
      pointingHit: cam[1],
      empty: cam[0] === 0,
      randomizationRho: cam[2],
    },
  };
}

const measures = [
  measure("scab", 0.1, [0.5, true, 0.2], [0.3, true, -0.4]),
  measure("scab", 0.1, [0.3, false, -0.4], [0, false, Number.NaN]),
  measure("rust", 0.2, [0.4, true, 0.1], [0.6, true, 0.3]),
];

describe("summarize", () => {
  it("aggregates per label (in label order) and pooled", () => {
    const { rows, overall } = summarize(measures, ["scab", "frog_eye_leaf_spot", "rust"]);
    expect(rows.map((r) => [r.label, r.n])).toEqual([
      ["scab", 2],
      ["rust", 1],
    ]);
    const [scab] = rows;
    expect(scab.areaShare).toBeCloseTo(0.1, 12);
    expect(scab.integratedGradients.massShare).toBeCloseTo(0.4, 12);
    expect(scab.integratedGradients.ratio).toBeCloseTo(4, 12);
    expect(scab.integratedGradients.pointing).toBe(0.5);
    expect(scab.integratedGradients.randomizationAbsRho).toBeCloseTo(0.3, 12);
    expect(scab.integratedGradients.randomizationRho).toBeCloseTo(-0.1, 12);
    // An undefined ρ (a constant map) is left out and counted.
    expect(scab.gradCam.rhoCount).toBe(1);
    expect(scab.gradCam.randomizationAbsRho).toBeCloseTo(0.4, 12);
    expect(scab.gradCam.empty).toBe(1);
    expect(overall.n).toBe(3);
    expect(overall.integratedGradients.leafMassShare).toBeCloseTo(0.8, 12);
    expect(overall.areaShare).toBeCloseTo(0.4 / 3, 12);
    expect(overall.integratedGradients.ratio).toBeCloseTo(1.2 / 0.4, 12);
    expect(overall.integratedGradients.pointing).toBeCloseTo(2 / 3, 12);
  });

  it("checks the targets on the pooled row and says by how much they are missed", () => {
    const { overall } = summarize(measures, ["scab", "rust"]);
    const checks = checkTargets(overall);
    expect(checks.map((c) => [c.name, c.meets])).toEqual([
      ["IG mass ratio", true],
      ["IG pointing game", false],
    ]);
    expect(checks[1].shortfall).toBeCloseTo(0.8 - 2 / 3, 12);
    expect(targetLines(checks)).toEqual([
      "target IG mass ratio ≥ 3×: 3.00×, meets",
      "target IG pointing game ≥ 80%: 66.7%, misses by 13.3 percentage points",
    ]);
    const weak = summarize([measure("rust", 0.2, [0.3, true, 0], [0, false, 0])], ["rust"]).overall;
    expect(targetLines(checkTargets(weak))[0]).toBe("target IG mass ratio ≥ 3×: 1.50×, misses by 1.50×");
  });

  it("prints a table with a row per label and the pooled row", () => {
    const table = qualityTable(summarize(measures, ["scab", "rust"]));
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^label\s+n\s+area\s+IG mass\s+IG ratio\s+IG point\s+GC mass/);
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([
      "label",
      expect.stringMatching(/^-+$/),
      "scab",
      "rust",
      expect.stringMatching(/^-+$/),
      "overall",
    ]);
    expect(lines[2]).toContain("40.0%");
    expect(lines[2]).toContain("4.00×");
    expect(summarize([], ["scab"]).overall.integratedGradients.ratio).toBeNaN();
    expect(qualityTable(summarize([], ["scab"]))).toContain("overall  0");
  });
});
