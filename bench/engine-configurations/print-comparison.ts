import { CONFIGURATIONS, type ConfigurationKey } from "./configurations.js";
import type { Measurement } from "./workload.js";

/** What the configurations that ran produced. */
export interface Results {
  readonly measurements: ReadonlyMap<ConfigurationKey, Measurement>;
  /** The warm run's IG map of each configuration. */
  readonly maps: ReadonlyMap<ConfigurationKey, Float32Array>;
  /** Path points per IG. */
  readonly points: number;
  readonly gradientFlops: number;
}

/** ‖actual − expected‖₂ / ‖expected‖₂. */
export function relativeL2(actual: Float32Array, expected: Float32Array): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    difference += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return Math.sqrt(difference / norm);
}

const NAME_WIDTH = 40;
const COLUMNS = ["batch", "first s", "warm s", "ms/point", "GFLOP/s", "CPU s", "peak RSS MiB"];
const seconds = (ms: number) => (ms / 1000).toFixed(1);

function printRow(name: string, cells: readonly string[], agreement: string): void {
  const aligned = cells.map((cell, i) => cell.padStart(COLUMNS[i].length + 2));
  console.log(`${name.padEnd(NAME_WIDTH)}${aligned.join("")}  ${agreement}`);
}

/**
 * One row per configuration that ran (and one for the raw gradients measured in the tensorflow process), with
 * each IG map's relative L2 distance from the notebook's.
 */
export function printTable({ measurements, maps, points, gradientFlops }: Results): void {
  printRow("configuration", COLUMNS, "IG vs notebook (rel. L2)");
  const speed = (ms: number) => [(ms / points).toFixed(0), ((gradientFlops * points) / ms / 1e6).toFixed(1)];
  const reference = maps.get("eager");
  for (const { key, name } of CONFIGURATIONS) {
    const m = measurements.get(key);
    if (!m) continue;
    const map = maps.get(key);
    const agreement = map && reference ? relativeL2(map, reference).toExponential(2) : "—";
    const batch = String(m.batchSize);
    printRow(
      name,
      [
        batch,
        seconds(m.firstMs),
        seconds(m.warmMs),
        ...speed(m.warmMs),
        seconds(m.warmCpuMs),
        m.peakRssMiB.toFixed(0),
      ],
      agreement,
    );
    if (m.raw) {
      printRow(
        "  raw tf.grad, same points and batches",
        [batch, "—", seconds(m.raw.ms), ...speed(m.raw.ms), seconds(m.raw.cpuMs), "—"],
        "—",
      );
    }
  }
}

/** The ratios the issue sets targets for, from the warm runs of this run. */
export function printRatios({ measurements, maps }: Results): void {
  const warm = (key: ConfigurationKey) => measurements.get(key)?.warmMs;
  const line = (label: string, value: string, target = "") =>
    console.log(`  ${label.padEnd(58)} ${value.padStart(7)}  ${target}`);
  const speedUp = (label: string, slower: ConfigurationKey, faster: ConfigurationKey, target?: string) => {
    const [a, b] = [warm(slower), warm(faster)];
    if (a !== undefined && b !== undefined) line(label, `${(a / b).toFixed(2)}×`, target);
  };
  console.log("warm runs, this run:");
  speedUp("tensorflow backend over the notebook's eager loop", "eager", "tensorflow", "(target ≥ 1.00×)");
  speedUp("tensorflow backend over the notebook with @tf.function", "function", "tensorflow");
  speedUp("tensorflow backend over wasm", "wasm", "tensorflow");
  const tensorflow = measurements.get("tensorflow");
  if (tensorflow?.raw) {
    const percent = (engine: number, raw: number) => `${((engine / raw - 1) * 100).toFixed(1)}%`;
    line(
      "engine overhead on tensorflow (engine / raw tf.grad − 1)",
      percent(tensorflow.warmMs, tensorflow.raw.ms),
      "(target < 10%)",
    );
    line("  the same in CPU time", percent(tensorflow.warmCpuMs, tensorflow.raw.cpuMs));
  }
  const [tensorflowMap, wasmMap] = [maps.get("tensorflow"), maps.get("wasm")];
  if (tensorflowMap && wasmMap)
    line("IG maps, tensorflow vs wasm (rel. L2)", relativeL2(tensorflowMap, wasmMap).toExponential(2));
}
