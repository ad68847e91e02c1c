/**
 * `npm run bench:engine`: Integrated Gradients of the seed-sized 256×256 CNN (trapezoid rule over
 * linspace(0, 1, BENCH_STEPS + 1), BENCH_STEPS = 240 by default, black baseline, one target, the same weights and
 * input everywhere) measured side by side in one run:
 *   - the engine on wasm with the fast kernels on every core, as the worker runs it;
 *   - the engine on the native tensorflow backend, then, in the same process, the raw tf.grad of the same points in
 *     the same batches, to measure the engine's overhead;
 *   - the seed notebook's own Python TensorFlow code on the same CPU, as a plain eager loop and with @tf.function.
 * Each configuration runs in a process of its own (its peak RSS is its own) and computes the IG twice: the first
 * call compiles and allocates, the warm one is compared. Prints the table, the ratios the issue sets targets for,
 * and how far apart the IG maps are.
 */
import { readFile, rm } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { initBackend } from "../shared/engine/backend.js";
import {
  CONFIGURATIONS,
  nativeInstalled,
  type ConfigurationKey,
} from "./engine-configurations/configurations.js";
import { decodeNpy } from "./engine-configurations/decode-npy.js";
import { printRatios, printTable } from "./engine-configurations/print-comparison.js";
import { runConfiguration } from "./engine-configurations/run-configuration.js";
import { writeSeedSizedWorkload } from "./engine-configurations/seed-sized-workload.js";
import type { Measurement } from "./engine-configurations/workload.js";

const STEPS = Number(process.env.BENCH_STEPS ?? 240);
const TARGET = 0;

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

async function main(): Promise<void> {
  await initBackend("cpu"); // only to build the model once and save it for every configuration

  const { folder, parameters, gradientFlops, workloadFor } = await writeSeedSizedWorkload(STEPS, TARGET);
  console.log(
    `# bench:engine — seed-sized CNN 256×256 (${parameters.toLocaleString()} parameters, ≈${(gradientFlops / 1e9).toFixed(2)} GFLOP per gradient), ` +
      `IG trapezoid ${STEPS} steps (${STEPS + 1} points), black baseline, target ${TARGET}`,
  );
  console.log(`${availableParallelism()} cores, Node ${process.versions.node}, load average ${load()}`);
  const native = nativeInstalled();
  if (!native) console.log("native TensorFlow is not installed (run `npm run native:install`): wasm only");

  const measurements = new Map<ConfigurationKey, Measurement>();
  const maps = new Map<ConfigurationKey, Float32Array>();
  for (const configuration of CONFIGURATIONS.filter((c) => native || !c.native)) {
    const workload = workloadFor(configuration.key);
    const outcome = await runConfiguration(configuration.command(workload), workload);
    if ("error" in outcome) {
      console.log(`  ${configuration.name}: did not run: ${outcome.error}`);
      continue;
    }
    measurements.set(configuration.key, outcome.measurement);
    maps.set(configuration.key, decodeNpy(await readFile(workload.output)).values);
    console.log(`  ${configuration.name}: ${outcome.measurement.runtime}; load average ${load()}`);
  }
  const results = { measurements, maps, points: STEPS + 1, gradientFlops };
  console.log();
  printTable(results);
  console.log();
  printRatios(results);
  await rm(folder, { recursive: true, force: true });
}

await main();
