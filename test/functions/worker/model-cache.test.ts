import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { analysisOptions } from "../../../shared/analysis/analysis-options.js";
import { analyzeImage } from "../../../shared/analysis/analyze-image.js";
import { createExplainer } from "../../../shared/analysis/explainer.js";
import { initBackend, type RuntimeInfo } from "../../../shared/engine/backend.js";
import { BadModelError } from "../../../shared/errors.js";
import { localBundleReader } from "../../../shared/model/bundle-reader.js";
import { loadModelBundle } from "../../../shared/model/model-bundle.js";
import { saveModelBundle } from "../../../shared/model/save-model-bundle.js";
import { ModelCache, type ExplainerLoader, type ModelLease } from "../../../functions/worker/model-cache.js";
import { BACKEND_UNDER_TEST } from "../../backend-under-test.js";
import { syntheticImage } from "../../fixtures/images.js";
import { seedLikeCnn, seedLikeLens } from "../../fixtures/models.js";

const SIZE = 16;
let runtime: RuntimeInfo;
let folder: string;
let image: Buffer;

beforeAll(async () => {
  runtime = await initBackend(BACKEND_UNDER_TEST);
  folder = join(await mkdtemp(join(tmpdir(), "cnn-lens-model-cache-")), "model");
  // Logits are explained, so each explainer also builds a model of its own (a linear copy of the last layer).
  const lens = { ...seedLikeLens(SIZE), integratedGradients: { output: "logit" as const, steps: 4 } };
  await saveModelBundle(seedLikeCnn(SIZE), lens, folder);
  image = await syntheticImage(SIZE, SIZE);
});

/** Loads the same bundle under any name, counting loads per name. */
function countingLoader(): ExplainerLoader & { loads: string[] } {
  const loads: string[] = [];
  const loader = async (name: string) => {
    loads.push(name);
    return createExplainer(await loadModelBundle(localBundleReader(folder)), runtime);
  };
  return Object.assign(loader, { loads });
}

/** Explains the image with a lent model, as the worker does, so that every tensor the model owns exists. */
async function analyze(lease: ModelLease): Promise<void> {
  const { explainer } = lease;
  await analyzeImage(explainer, image, { source: "leaf.png" }, analysisOptions(explainer.bundle.config));
}

async function use(cache: ModelCache, name: string): Promise<void> {
  const lease = await cache.acquire(name);
  await analyze(lease);
  await lease.release();
}

describe("ModelCache", () => {
  it("loads a model once, and evicts the least recently used past maxModels, disposing its tensors", async () => {
    const baseline = tf.memory().numTensors;
    const loader = countingLoader();
    const cache = new ModelCache(loader, { maxModels: 2 });
    await use(cache, "a");
    const perModel = tf.memory().numTensors - baseline;
    expect(perModel).toBeGreaterThan(0);
    await use(cache, "b");
    await use(cache, "a");
    expect(loader.loads).toEqual(["a", "b"]);
    expect(tf.memory().numTensors).toBe(baseline + 2 * perModel);

    await use(cache, "c");
    expect(cache.cached()).toEqual(["a", "c"]);
    expect(tf.memory().numTensors).toBe(baseline + 2 * perModel);
    await use(cache, "b");
    expect(loader.loads).toEqual(["a", "b", "c", "b"]);
    expect(cache.cached()).toEqual(["c", "b"]);

    await cache.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("never disposes a lent model: it is evicted once released", async () => {
    const baseline = tf.memory().numTensors;
    const cache = new ModelCache(countingLoader(), { maxModels: 1 });
    const a = await cache.acquire("a");
    await analyze(a);
    const perModel = tf.memory().numTensors - baseline;
    const b = await cache.acquire("b");
    await analyze(b);
    expect(cache.cached()).toEqual(["a", "b"]);
    await analyze(a);
    expect(tf.memory().numTensors).toBe(baseline + 2 * perModel);

    await a.release();
    await a.release();
    expect(cache.cached()).toEqual(["b"]);
    expect(tf.memory().numTensors).toBe(baseline + perModel);
    await analyze(b);
    await b.release();
    expect(cache.cached()).toEqual(["b"]);
    await cache.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("bounds the bytes of weights kept", async () => {
    const probe = await loadModelBundle(localBundleReader(folder));
    const weightBytes = (probe.artifacts.weightData as ArrayBuffer).byteLength;
    probe.model.dispose();
    const baseline = tf.memory().numTensors;
    const cache = new ModelCache(countingLoader(), { maxWeightBytes: Math.floor(1.5 * weightBytes) });
    await use(cache, "a");
    await use(cache, "b");
    expect(cache.cached()).toEqual(["b"]);
    await cache.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("does not keep a failed load, so that a fixed bundle is picked up", async () => {
    let broken = true;
    const good = countingLoader();
    const cache = new ModelCache(async (name) => {
      if (broken) throw new BadModelError(`model ${name} is broken`);
      return good(name);
    });
    await expect(cache.acquire("a")).rejects.toThrow(BadModelError);
    expect(cache.cached()).toEqual([]);
    broken = false;
    await use(cache, "a");
    expect(cache.cached()).toEqual(["a"]);
    await cache.dispose();
  });
});
