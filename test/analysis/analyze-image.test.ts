import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { analysisOptions } from "../../shared/analysis/analysis-options.js";
import { analyzeImage } from "../../shared/analysis/analyze-image.js";
import { createExplainer, type Explainer } from "../../shared/analysis/explainer.js";
import { initBackend } from "../../shared/engine/backend.js";
import { localBundleReader } from "../../shared/model/bundle-reader.js";
import { loadModelBundle } from "../../shared/model/model-bundle.js";
import { saveModelBundle } from "../../shared/model/save-model-bundle.js";
import { parseSummary } from "../../shared/schema/summary.js";
import { BACKEND_UNDER_TEST } from "../backend-under-test.js";
import { syntheticImage } from "../fixtures/images.js";
import { depthwiseCnn, depthwiseLens, seedLikeCnn, seedLikeLens } from "../fixtures/models.js";

let seedLike: Explainer;
let depthwise: Explainer;

async function explainerFor(
  model: tf.LayersModel,
  lens: Parameters<typeof saveModelBundle>[1],
): Promise<Explainer> {
  const folder = await mkdtemp(join(tmpdir(), "cnn-lens-bundle-"));
  await saveModelBundle(model, lens, folder);
  const runtime = await initBackend(BACKEND_UNDER_TEST);
  return createExplainer(await loadModelBundle(localBundleReader(folder)), runtime);
}

beforeAll(async () => {
  seedLike = await explainerFor(seedLikeCnn(), seedLikeLens());
  depthwise = await explainerFor(depthwiseCnn(), depthwiseLens());
});

describe("analyzeImage", () => {
  it("writes a valid summary and every file it names, with completeness within 1% by default", async () => {
    const image = await syntheticImage(50, 40);
    const { summary, artifacts } = await analyzeImage(
      seedLike,
      image,
      { source: "leaf.png", labels: ["rust"] },
      analysisOptions(seedLike.bundle.config, { targets: ["scab", "rust", "complex"] }),
    );
    expect(parseSummary(JSON.parse(JSON.stringify(summary)))).toEqual(summary);
    expect(summary.image).toMatchObject({
      source: "leaf.png",
      format: "png",
      width: 50,
      height: 40,
      labels: ["rust"],
    });
    expect(summary.integratedGradients.map((ig) => ig.label)).toEqual(["scab", "rust", "complex"]);
    for (const ig of summary.integratedGradients) {
      expect(ig.completeness.relativeError).toBeLessThanOrEqual(0.01);
      expect(ig.converged).toBe(true);
      expect(ig.rule).toBe("gauss-legendre");
    }
    expect(summary.gradCam.map((cam) => cam.layer)).toEqual(["conv2", "conv2", "conv2"]);
    expect(summary.activations.map((a) => a.layer)).toEqual([
      "conv1",
      "bn1",
      "pool1",
      "drop1",
      "conv2",
      "bn2",
      "pool2",
      "flatten",
      "dense1",
      "scores",
    ]);
    expect(summary.thumbnail).toBe("thumbnail.jpg");
    const thumbnail = await sharp(artifacts.get("thumbnail.jpg")).metadata();
    expect([thumbnail.format, thumbnail.width, thumbnail.height]).toEqual(["jpeg", 32, 32]);
    const named = [
      summary.input,
      ...summary.integratedGradients.flatMap((ig) => Object.values(ig.artifacts)),
      ...summary.gradCam.flatMap((cam) => Object.values(cam.artifacts)),
      ...summary.activations.map((a) => a.grid),
    ];
    expect([...artifacts.keys()].sort()).toEqual([...new Set([...named, summary.thumbnail])].sort());
    for (const path of named) {
      const metadata = await sharp(artifacts.get(path)).metadata();
      expect(metadata.format).toBe("png");
    }
    const strip = await sharp(artifacts.get(summary.integratedGradients[0].artifacts.strip)).metadata();
    expect([strip.width, strip.height]).toEqual([32 * 6, 32]);
  });

  it("explains a depthwise/separable softmax model, on logits too", async () => {
    const image = await syntheticImage(32, 32, 2, "jpeg");
    for (const output of ["probability", "logit"] as const) {
      const { summary } = await analyzeImage(
        depthwise,
        image,
        { source: "x.jpg" },
        analysisOptions(depthwise.bundle.config, { output, attributionsNpy: true }),
      );
      expect(summary.predictedLabels).toHaveLength(1);
      expect(summary.integratedGradients).toHaveLength(1);
      expect(summary.integratedGradients[0].label).toBe(summary.predictedLabels[0]);
      expect(summary.integratedGradients[0].completeness.relativeError).toBeLessThanOrEqual(0.01);
      expect(summary.integratedGradients[0].artifacts.attributions).toMatch(/\.npy$/);
      expect(summary.gradCam[0].layer).toBe("separable");
    }
  });

  it("blurs the blur baseline by lens.json's blurSigma (width/16 without it) and records the σ", async () => {
    const image = await syntheticImage(32, 32, 3);
    const run = async (config: typeof seedLike.bundle.config) => {
      const options = analysisOptions(config, { targets: ["rust"], baselines: ["blur"], steps: 16 });
      return (await analyzeImage(seedLike, image, { source: "b.png" }, options)).summary;
    };
    const config = seedLike.bundle.config;
    const byDefault = await run(config);
    const sharp = await run({
      ...config,
      integratedGradients: { ...config.integratedGradients, blurSigma: 0.5 },
    });
    expect(byDefault.integratedGradients[0].blurSigma).toBe(32 / 16);
    expect(sharp.integratedGradients[0].blurSigma).toBe(0.5);
    // A barely blurred baseline is closer to the image, so the output moves less along the path.
    const delta = (summary: typeof byDefault) =>
      Math.abs(summary.integratedGradients[0].completeness.outputDelta);
    expect(delta(sharp)).toBeLessThan(delta(byDefault));
    const black = await analyzeImage(
      seedLike,
      image,
      { source: "c.png" },
      analysisOptions(config, { targets: ["rust"], baselines: ["black"], steps: 8 }),
    );
    expect(black.summary.integratedGradients[0]).not.toHaveProperty("blurSigma");
  });

  it("leaks no tensors", async () => {
    const image = await syntheticImage(32, 32, 3);
    const options = analysisOptions(seedLike.bundle.config, { steps: 8 });
    await analyzeImage(seedLike, image, { source: "warm-up.png" }, options);
    const before = tf.memory().numTensors;
    await analyzeImage(seedLike, image, { source: "a.png" }, options);
    expect(tf.memory().numTensors).toBe(before);
  });
});
