/**
 * `npm run bench:engine`: the explanation engine on this machine, for the seed-sized CNN and (once it exists) the
 * bundled model. Prints milliseconds per stage for one image, the steps used, and — in the same run — Integrated
 * Gradients at a fixed step count with the stock wasm kernels on one core, the fast kernels on one core, and the fast
 * kernels on every core, with GFLOP/s, speed-ups, accuracy against the cpu backend, and peak RSS.
 */
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { analysisOptions } from "../shared/analysis/analysis-options.js";
import { analyzeImage } from "../shared/analysis/analyze-image.js";
import { createExplainer, gradientsFor, inThreadGradients } from "../shared/analysis/explainer.js";
import { initBackend } from "../shared/engine/backend.js";
import type { GradientSource } from "../shared/engine/gradient-source.js";
import { integratedGradients } from "../shared/engine/integrated-gradients.js";
import { registerFastWasmKernels, unregisterFastWasmKernels } from "../shared/engine/wasm-kernels/index.js";
import { maxPoolGradConfig } from "../shared/engine/wasm-kernels/max-pool-grad.js";
import { localBundleReader } from "../shared/model/bundle-reader.js";
import { loadModelBundle, type ModelBundle } from "../shared/model/model-bundle.js";
import { saveModelBundle } from "../shared/model/save-model-bundle.js";
import { syntheticImage } from "../test/fixtures/images.js";
import { forwardFlops, seedSizedCnn } from "./seed-sized-cnn.js";

const STEPS = Number(process.env.BENCH_STEPS ?? 32);
const REFERENCE_STEPS = 2;
const threads = availableParallelism();

async function seedSizedBundle(): Promise<string> {
  const folder = join(await mkdtemp(join(tmpdir(), "cnn-lens-bench-")), "seed-sized");
  await saveModelBundle(
    seedSizedCnn(),
    {
      schemaVersion: 1,
      name: "seed-sized",
      labels: ["scab", "frog_eye_leaf_spot", "rust", "complex", "powdery_mildew"],
      task: "multi-label",
      thresholds: [0.57, 0.41, 0.36, 0.37, 0.17],
      input: { width: 256, height: 256 },
    },
    folder,
  );
  return folder;
}

async function timeIg(source: GradientSource, input: Float32Array, steps: number) {
  const start = performance.now();
  const [result] = await integratedGradients(source, input, [new Float32Array(input.length)], {
    targets: [0],
    rule: "gauss-legendre",
    steps,
  });
  return {
    ms: performance.now() - start,
    attributions: result.attributions,
    relativeError: result.relativeError,
  };
}

function maxRelDiff(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

async function benchModel(name: string, bundle: ModelBundle, random: boolean): Promise<void> {
  const runtime = await initBackend("wasm");
  const { width, height } = bundle.config.input;
  const image = await syntheticImage(width, height, 3);
  console.log(
    `\n## ${name}: ${bundle.model.countParams().toLocaleString()} parameters, input ${height}×${width}`,
  );

  registerFastWasmKernels();
  const explainer = createExplainer(bundle, runtime, gradientsFor(runtime, threads));
  // A model with random weights predicts every class at ~0.5, with output deltas too small to converge; its stages
  // are timed for one target. A trained model is timed with its default targets.
  const options = analysisOptions(bundle.config, random ? { targets: [bundle.config.labels[0]] } : {});
  await analyzeImage(explainer, image, { source: "warm-up" }, { ...options, steps: 2 });
  const { summary } = await analyzeImage(explainer, image, { source: "bench" }, options);
  console.log(
    `one image, default settings (${options.rule}, steps ${options.steps}, ${threads} threads), ms per stage:`,
  );
  for (const [stage, ms] of Object.entries(summary.timings))
    console.log(`  ${stage.padEnd(20)} ${ms.toFixed(0).padStart(7)}`);
  for (const ig of summary.integratedGradients) {
    console.log(
      `  IG ${ig.label}: ${ig.steps} steps, ${ig.evaluations} gradient evaluations, completeness error ${(ig.completeness.relativeError * 100).toFixed(3)}%`,
    );
  }

  const rss = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  console.log(`  peak RSS so far (analysis only, gradient threads included): ${rss} MiB (target < 2048 MiB)`);
  const input = (await explainer.gradientSource("probability")).inputShape;
  const pixels = Float32Array.from(
    { length: input[0] * input[1] * input[2] },
    (_, i) => ((i * 2654435761) % 256) / 255,
  );
  const model = explainer.outputModel("probability");
  const flopsPerEvaluation = 3 * forwardFlops(model);
  const single = await inThreadGradients(bundle, "probability", model);
  const parallel = await explainer.gradientSource("probability");

  unregisterFastWasmKernels();
  await timeIg(single, pixels, 2);
  const stock = await timeIg(single, pixels, STEPS);
  registerFastWasmKernels();
  await timeIg(single, pixels, 2);
  const fastOne = await timeIg(single, pixels, STEPS);
  await timeIg(parallel, pixels, 2);
  const fastAll = await timeIg(parallel, pixels, STEPS);

  const gflops = (ms: number) => ((flopsPerEvaluation * STEPS) / (ms / 1000) / 1e9).toFixed(2);
  console.log(
    `Integrated Gradients, ${STEPS} steps, 1 target (≈${(flopsPerEvaluation / 1e9).toFixed(2)} GFLOP per gradient evaluation):`,
  );
  console.log(
    `  stock wasm, 1 core        ${stock.ms.toFixed(0).padStart(7)} ms  ${gflops(stock.ms)} GFLOP/s  1.00×`,
  );
  console.log(
    `  fast kernels, 1 core      ${fastOne.ms.toFixed(0).padStart(7)} ms  ${gflops(fastOne.ms)} GFLOP/s  ${(stock.ms / fastOne.ms).toFixed(2)}×`,
  );
  console.log(
    `  fast kernels, ${threads} cores     ${fastAll.ms.toFixed(0).padStart(7)} ms  ${gflops(fastAll.ms)} GFLOP/s  ${(stock.ms / fastAll.ms).toFixed(2)}×  (target ≥ 8×)`,
  );
  console.log(
    `  attributions, fast vs stock wasm: max relative difference ${maxRelDiff(fastAll.attributions, stock.attributions).toExponential(2)}`,
  );

  // Stock kernels but a correct MaxPoolGrad: the same wasm forward pass, so every max-pool window routes alike.
  const fastReference = await timeIg(parallel, pixels, REFERENCE_STEPS);
  unregisterFastWasmKernels();
  tf.unregisterKernel(maxPoolGradConfig.kernelName, "wasm");
  tf.registerKernel(maxPoolGradConfig);
  const stockFixed = await timeIg(single, pixels, REFERENCE_STEPS);
  registerFastWasmKernels();
  console.log(
    `  gradients, fast vs stock wasm with its MaxPoolGrad bug fixed (${REFERENCE_STEPS} steps): max relative difference ${maxRelDiff(fastReference.attributions, stockFixed.attributions).toExponential(2)} (target ≤ 1e-5)`,
  );
  await tf.setBackend("cpu");
  const cpu = await timeIg(
    inThreadGradients(bundle, "probability", model) as GradientSource,
    pixels,
    REFERENCE_STEPS,
  );
  await tf.setBackend("wasm");
  console.log(
    `  against the cpu backend: fast ${maxRelDiff(fastReference.attributions, cpu.attributions).toExponential(2)} (a near-tie in a max-pool window that the two backends round differently moves a gradient), stock wasm ${maxRelDiff(stockFixed.attributions, cpu.attributions).toExponential(2)} with the fix`,
  );
  await explainer.dispose();
}

async function main(): Promise<void> {
  console.log(`# bench:engine — wasm backend, ${threads} cores, Node ${process.versions.node}`);
  await initBackend("wasm");
  const bundles: [string, string][] = [["seed-sized CNN", await seedSizedBundle()]];
  const bundled = join(import.meta.dirname, "..", "models", "default");
  if (existsSync(join(bundled, "lens.json"))) bundles.push(["bundled model (models/default)", bundled]);
  else console.log("(no bundled model at models/default yet: only the seed-sized CNN is measured)");
  for (const [i, [name, folder]] of bundles.entries()) {
    await benchModel(name, await loadModelBundle(localBundleReader(folder)), i === 0);
  }
  console.log(
    `\npeak RSS of the whole run, stock kernels included: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}

await main();
