import { describe, expect, it } from "vitest";
import {
  assignLabels,
  classQuotas,
  DISEASES,
  formatCsv,
  formatLabels,
  LABEL_MIX,
  LABELS,
  parseCsv,
  parseLabels,
  type Label,
} from "../../dataset/labels.js";
import { Random } from "../../dataset/random.js";

describe("label mix", () => {
  it("shares sum to one", () => {
    expect(Object.values(LABEL_MIX).reduce((a, b) => a + b)).toBeCloseTo(1, 10);
  });

  it("quotas add up to the count and follow the mix", () => {
    for (const count of [0, 1, 7, 24, 1000, 4999]) {
      const quotas = classQuotas(count);
      expect(Object.values(quotas).reduce((a, b) => a + b)).toBe(count);
      for (const [name, share] of Object.entries(LABEL_MIX)) {
        expect(Math.abs(quotas[name as keyof typeof quotas] - share * count)).toBeLessThan(1);
      }
    }
  });

  it("assigns labels in the Kaggle style: complex lists its 2–3 diseases, then complex", () => {
    const labels = assignLabels(2000, new Random(11));
    const complexes = labels.filter((l) => l.includes("complex"));
    expect(complexes.length).toBe(classQuotas(2000).complex);
    for (const set of complexes) {
      expect(set.at(-1)).toBe("complex");
      expect(set.length - 1).toBeGreaterThanOrEqual(2);
      expect(set.length - 1).toBeLessThanOrEqual(3);
      expect(new Set(set).size).toBe(set.length);
    }
    for (const set of labels.filter((l) => !l.includes("complex"))) expect(set.length).toBeLessThanOrEqual(1);
    expect(labels.filter((l) => l.length === 0).length).toBe(500);
    const twoDiseases = complexes.filter((set) => set.length === 3).length / complexes.length;
    expect(twoDiseases).toBeGreaterThan(0.6);
    expect(twoDiseases).toBeLessThan(0.8);
  });

  it("is a deterministic shuffle", () => {
    expect(assignLabels(50, new Random(1))).toEqual(assignLabels(50, new Random(1)));
    expect(assignLabels(50, new Random(1))).not.toEqual(assignLabels(50, new Random(2)));
  });
});

describe("CSV", () => {
  it("writes the Kaggle header, healthy for no label, and labels in vocabulary order", () => {
    const rows = [
      { image: "a.jpg", labels: [] },
      { image: "b.jpg", labels: ["complex", "frog_eye_leaf_spot", "scab"] as Label[] },
      { image: "c.jpg", labels: ["powdery_mildew"] as Label[] },
    ];
    const text = formatCsv(rows);
    expect(text).toBe(
      "image,labels\na.jpg,healthy\nb.jpg,scab frog_eye_leaf_spot complex\nc.jpg,powdery_mildew\n",
    );
    expect(parseCsv(text).map((r) => formatLabels(r.labels))).toEqual([
      "healthy",
      "scab frog_eye_leaf_spot complex",
      "powdery_mildew",
    ]);
  });

  it("knows exactly the Plant Pathology 2021 vocabulary", () => {
    expect([...LABELS].sort()).toEqual(["complex", "frog_eye_leaf_spot", "powdery_mildew", "rust", "scab"]);
    expect(DISEASES).not.toContain("complex");
    expect(() => parseLabels("scab blight")).toThrow(/blight/);
  });
});
