import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  evaluateAttribution,
  formatEvaluation,
  type AttributionEvaluation,
} from "../../evaluation/evaluate-attribution.js";
import { splitSizeFor } from "../../evaluation/held-out-set.js";
import { splitLabels } from "../../dataset/generate.js";
import { backendChoiceFrom } from "../../shared/config/environment.js";
import { initBackend } from "../../shared/engine/backend.js";
import { saveModelBundle } from "../../shared/model/save-model-bundle.js";
import { seedLikeCnn, seedLikeLens } from "../fixtures/models.js";

let folder: string;
let result: AttributionEvaluation;

beforeAll(async () => {
  await initBackend(backendChoiceFrom(process.env));
  folder = await mkdtemp(join(tmpdir(), "cnn-lens-eval-"));
  // Every label predicted (thresholds 0), so every true label of every image is measured.
  await saveModelBundle(seedLikeCnn(32), { ...seedLikeLens(32), thresholds: [0, 0, 0, 0, 0] }, folder);
  result = await evaluateAttribution({
    model: folder,
    count: 4,
    seed: 90210,
    imageSize: 64,
    steps: 8,
    dilation: 1,
    randomization: { seed: 1, layers: "all" },
    threads: 0,
  });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("the held-out split", () => {
  it("is just large enough to hold the wanted number of images with lesions", () => {
    const size = splitSizeFor(90210, 150);
    const diseased = (n: number) => splitLabels(90210, n).filter((labels) => labels.length > 0).length;
    expect(diseased(size)).toBeGreaterThanOrEqual(150);
    expect(diseased(size - 1)).toBeLessThan(150);
  });
});

describe("evaluateAttribution", () => {
  it("measures every true label of 4 held-out images with finite numbers", () => {
    expect(result.heldOut).toEqual({ source: "generated", seed: 90210, images: 4 });
    expect(result.samples).toHaveLength(4);
    const pairs = result.samples.flatMap((s) => s.measures);
    expect(pairs.length).toBe(result.samples.reduce((n, s) => n + s.labels.length, 0));
    for (const pair of pairs) {
      expect(pair.areaShare).toBeGreaterThan(0);
      expect(pair.areaShare).toBeLessThanOrEqual(1);
      for (const map of [pair.integratedGradients, pair.gradCam]) {
        expect(map.massShare).toBeGreaterThanOrEqual(0);
        expect(map.massShare).toBeLessThanOrEqual(1);
        expect(map.leafMassShare).toBeGreaterThanOrEqual(0);
        expect(map.leafMassShare).toBeLessThanOrEqual(1);
        expect(typeof map.pointingHit).toBe("boolean");
      }
      expect(pair.integratedGradients.steps).toBe(8);
      expect(pair.integratedGradients.randomizedSteps).toBe(8);
      expect(Number.isFinite(pair.integratedGradients.randomizationRho)).toBe(true);
    }
    const { overall } = result.summary;
    expect(overall.n).toBe(pairs.length);
    for (const value of [
      overall.areaShare,
      overall.integratedGradients.massShare,
      overall.integratedGradients.ratio,
      overall.integratedGradients.pointing,
      overall.integratedGradients.randomizationAbsRho,
      overall.gradCam.massShare,
      overall.gradCam.pointing,
    ]) {
      expect(Number.isFinite(value)).toBe(true);
    }
    expect(result.targets.map((t) => t.name)).toEqual(["IG mass ratio", "IG pointing game"]);
  });

  it("prints the table and a verdict per target", () => {
    const text = formatEvaluation(result);
    expect(text).toMatch(/^model seed-like .* 4 held-out images with lesions \(generated, seed 90210\)/);
    expect(text).toMatch(/\nlabel +n +area +IG mass/);
    expect(text).toMatch(/\noverall +\d+ /);
    expect(text).toMatch(/\non the leaf at all: [\d.]+% of the IG mass, [\d.]+% of the Grad-CAM mass/);
    expect(text).toMatch(/\ntarget IG mass ratio ≥ 3×: [\d.]+×, (meets|misses by [\d.]+×)/);
    expect(text).toMatch(
      /\ntarget IG pointing game ≥ 80%: [\d.]+%, (meets|misses by [\d.]+ percentage points)/,
    );
  });
});
