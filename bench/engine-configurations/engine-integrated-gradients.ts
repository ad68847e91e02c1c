/**
 * A configuration of `bench:engine`: the engine's own Integrated Gradients on one backend, as the worker runs it
 * (`createExplainer` with `gradientsFor`: threads on wasm, this thread on tensorflow). On tensorflow it then
 * times the raw gradients of the same points in the same batches (`raw-gradients.ts`), alternating with the
 * engine's IG, the fastest of each kept, to measure the engine's overhead in the same warm process.
 *
 *   tsx engine-integrated-gradients.ts '<workload JSON>' wasm|tensorflow
 */
import { readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { createExplainer, gradientsFor } from "../../shared/analysis/explainer.js";
import { initBackend } from "../../shared/engine/backend.js";
import { batchSizeFor, DEFAULT_BATCH_BUDGET_BYTES } from "../../shared/engine/batch-size.js";
import { integratedGradients } from "../../shared/engine/integrated-gradients.js";
import { quadrature } from "../../shared/engine/quadrature.js";
import { localBundleReader } from "../../shared/model/bundle-reader.js";
import { loadModelBundle } from "../../shared/model/model-bundle.js";
import { encodeNpy } from "../../shared/render/npy.js";
import { decodeNpy } from "./decode-npy.js";
import { rawGradients } from "./raw-gradients.js";
import { firstAndWarm, peakRssMiB, report, timed, workloadFromArguments, type Timing } from "./workload.js";

/** Raw and engine runs, alternating, on tensorflow. */
const ALTERNATING_ROUNDS = 2;

const workload = workloadFromArguments();
const backend = process.argv[3];
if (backend !== "wasm" && backend !== "tensorflow") {
  throw new Error(`the backend argument must be wasm or tensorflow, got ${JSON.stringify(backend)}`);
}

const runtime = await initBackend(backend);
const bundle = await loadModelBundle(localBundleReader(workload.bundle));
const threads = backend === "wasm" ? availableParallelism() : 1;
const explainer = createExplainer(bundle, runtime, gradientsFor(runtime, threads));
const source = await explainer.gradientSource("probability");
const model = explainer.outputModel("probability");
const batchSize = batchSizeFor(model, DEFAULT_BATCH_BUDGET_BYTES / threads);
const { values: input } = decodeNpy(await readFile(workload.input));

const explain = () =>
  integratedGradients(source, input, [new Float32Array(input.length)], {
    targets: [workload.target],
    rule: "trapezoid",
    steps: workload.steps,
  });
const { result, ...times } = await firstAndWarm(explain);
await writeFile(workload.output, encodeNpy(result[0].attributions, source.inputShape));
const peakRss = peakRssMiB();

let raw: Timing | undefined;
let warm = { warmMs: times.warmMs, warmCpuMs: times.warmCpuMs };
if (backend === "tensorflow") {
  // Raw and engine runs alternate, and each keeps its fastest, so that neither gains from running later in a
  // process whose allocator and caches are warmer.
  const gradients = rawGradients(model, input, source.inputShape, workload.target, batchSize);
  const { alphas } = quadrature("trapezoid", workload.steps);
  await gradients(alphas.slice(0, batchSize));
  for (let round = 0; round < ALTERNATING_ROUNDS; round++) {
    const { ms, cpuMs } = await timed(() => gradients(alphas));
    if (raw === undefined || ms < raw.ms) raw = { ms, cpuMs };
    const engine = await timed(explain);
    if (engine.ms < warm.warmMs) warm = { warmMs: engine.ms, warmCpuMs: engine.cpuMs };
  }
}
report({
  ...times,
  ...warm,
  peakRssMiB: peakRss,
  batchSize,
  runtime: `${runtime.backend} (${runtime.backendPackage}, tfjs ${runtime.tfjsVersion}), ${threads > 1 ? `${threads} gradient threads` : "gradients in this thread on TensorFlow's own thread pool"}`,
  raw,
});
await explainer.dispose();
