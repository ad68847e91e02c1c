import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExplainer, gradientsFor, type Explainer } from "../../shared/analysis/explainer.js";
import { initBackend } from "../../shared/engine/backend.js";
import type { PathPoint } from "../../shared/engine/gradient-source.js";
import { localBundleReader } from "../../shared/model/bundle-reader.js";
import { loadModelBundle } from "../../shared/model/model-bundle.js";
import { saveModelBundle } from "../../shared/model/save-model-bundle.js";
import { depthwiseCnn, depthwiseLens } from "../fixtures/models.js";

// Threads are for the in-process backends; this file runs on wasm in every project.
const BACKEND = "wasm";
let inThread: Explainer;
let threaded: Explainer;

beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), "cnn-lens-explainer-"));
  await saveModelBundle(depthwiseCnn(16), depthwiseLens(16), folder);
  const runtime = await initBackend(BACKEND);
  inThread = createExplainer(await loadModelBundle(localBundleReader(folder)), runtime);
  threaded = createExplainer(
    await loadModelBundle(localBundleReader(folder)),
    runtime,
    gradientsFor(runtime, 2),
  );
});

afterAll(async () => {
  await Promise.all([inThread.dispose(), threaded.dispose()]);
});

describe("createExplainer with gradient threads", () => {
  const input = Float32Array.from({ length: 16 * 16 * 3 }, (_, i) => (Math.cos(i / 7) + 1) / 2);
  const baseline = new Float32Array(input.length);
  const points: PathPoint[] = [0.2, 0.5, 0.8].flatMap((alpha) => [
    { alpha, weight: 1 / 3, target: 0 },
    { alpha, weight: 1 / 3, target: 2 },
  ]);

  it.each(["probability", "logit"] as const)(
    "gives the %s outputs and gradients that the model in this thread gives",
    async (output) => {
      const [here, there] = await Promise.all([
        inThread.gradientSource(output),
        threaded.gradientSource(output),
      ]);
      const [outputsHere] = await here.outputs([input]);
      const [outputsThere] = await there.outputs([input]);
      expect(Array.from(outputsThere)).toEqual(Array.from(outputsHere));
      if (output === "logit") expect(outputsHere.some((value) => value < 0 || value > 1)).toBe(true);
      const sumsHere = await here.weightedGradientSums(input, baseline, points);
      const sumsThere = await there.weightedGradientSums(input, baseline, points);
      for (const target of [0, 2]) {
        const a = sumsThere.get(target) as Float32Array;
        const b = sumsHere.get(target) as Float32Array;
        const scale = Math.max(...b.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))))).toBeLessThan(1e-5 * scale);
      }
    },
  );
});
