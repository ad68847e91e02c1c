import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImageSet } from "../../training/dataset-loader.js";
import { analyzeFailures } from "../../training/failure-analysis.js";
import { multiHot } from "../../training/labels.js";

let data: string;

/** A 10×10 mask with `covered` white pixels. */
async function mask(path: string, covered: number): Promise<void> {
  const pixels = new Uint8Array(100);
  pixels.fill(255, 0, covered);
  await sharp(pixels, { raw: { width: 10, height: 10, channels: 1 } })
    .png()
    .toFile(path);
}

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), "cnn-lens-failures-"));
  for (const [id, label, covered] of [
    ["a", "rust", 20],
    ["b", "rust", 5],
    ["c", "rust", 3],
    ["c", "scab", 30],
  ] as const) {
    await mkdir(join(data, "masks", id), { recursive: true });
    await mask(join(data, "masks", id, `${label}.png`), covered);
  }
});

afterAll(async () => {
  await rm(data, { recursive: true, force: true });
});

describe("analyzeFailures", () => {
  it("counts mistakes, misses with their lesion areas, false alarms and complex errors", async () => {
    const labels = ["rust", "rust", "scab rust complex", "healthy"];
    const set: ImageSet = {
      rows: labels.map((l, i) => ({ image: `${"abcd"[i]}.jpg`, labels: l })),
      size: 8,
      pixels: new Uint8Array(0),
      targets: Float32Array.from(labels.flatMap(multiHot)),
    };
    // Scores in model order: scab, frog_eye_leaf_spot, rust, complex, powdery_mildew; thresholds 0.5.
    const scores = [
      [0.1, 0.1, 0.9, 0.1, 0.1], // a: rust, right
      [0.1, 0.1, 0.2, 0.1, 0.1], // b: rust missed (small lesions)
      [0.9, 0.1, 0.3, 0.2, 0.1], // c: rust missed, complex missed with it
      [0.1, 0.1, 0.1, 0.1, 0.7], // d: healthy leaf called powdery_mildew
    ];
    const f = await analyzeFailures(data, set, scores, [0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(f.images).toBe(4);
    expect(f.wrong).toBe(3);
    expect(f.patterns).toEqual([
      { actual: "healthy", predicted: "powdery_mildew", count: 1 },
      { actual: "rust", predicted: "healthy", count: 1 },
      { actual: "scab rust complex", predicted: "scab", count: 1 },
    ]);
    const rust = f.diseases.find((d) => d.label === "rust");
    expect(rust).toMatchObject({ present: 3, missed: 2, falseAlarms: 0, medianAreaFound: 0.2 });
    expect(rust?.medianAreaMissed).toBeCloseTo(0.04, 12);
    expect(f.diseases.find((d) => d.label === "powdery_mildew")).toMatchObject({
      present: 0,
      falseAlarms: 1,
      falseAlarmsOnHealthy: 1,
      medianAreaFound: null,
    });
    expect(f).toMatchObject({ complexMisses: 1, complexMissesWithMissedDisease: 1, complexFalseAlarms: 0 });
  });
});
