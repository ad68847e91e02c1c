/**
 * What `bench/engine.ts` asks each configuration's process to compute, and what the process reports back: one IG
 * map of the same model, input and target, timed twice (the first call compiles and allocates).
 */

/** The one IG computation every configuration runs. */
export interface Workload {
  /** A cnn-lens bundle folder (model.json, weights.bin, lens.json) of the seed-sized CNN. */
  readonly bundle: string;
  /** float32 `.npy` of the model input, [height, width, channels]. */
  readonly input: string;
  /** Where the process saves its warm run's attributions, float32 `.npy` of the input's shape. */
  readonly output: string;
  /** Trapezoid intervals: steps + 1 path points, alphas = linspace(0, 1, steps + 1), black baseline. */
  readonly steps: number;
  /** The output whose gradient is integrated. */
  readonly target: number;
}

/** Wall and CPU time (user + system, every thread) of one call: CPU time is steadier on a loaded machine. */
export interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

/** One configuration's report, printed by its process as the last line of stdout, in JSON. */
export interface Measurement {
  readonly firstMs: number;
  readonly warmMs: number;
  /** CPU time of the warm run. */
  readonly warmCpuMs: number;
  /** Peak resident set of the whole process, worker threads included. */
  readonly peakRssMiB: number;
  /** Path points per forward/backward pass (per thread, for the wasm threads). */
  readonly batchSize: number;
  /** What computed it: backend, versions, threads. */
  readonly runtime: string;
  /** On tensorflow: the raw gradients of the same points in the same batches, in the same process, warm. */
  readonly raw?: Timing;
}

/** Reads the workload a configuration's process was started with (its first argument, JSON). */
export function workloadFromArguments(argv: readonly string[] = process.argv): Workload {
  const text = argv[2];
  if (!text)
    throw new Error("a bench configuration runs as `<script> '<workload JSON>'`, started by bench/engine.ts");
  return JSON.parse(text) as Workload;
}

/** Times one call of `work`. */
export async function timed<T>(work: () => Promise<T>): Promise<Timing & { result: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  return { ms, cpuMs: (user + system) / 1000, result };
}

/** Runs `work` twice and returns both durations, the second one's CPU time, and the second result. */
export async function firstAndWarm<T>(
  work: () => Promise<T>,
): Promise<{ firstMs: number; warmMs: number; warmCpuMs: number; result: T }> {
  const first = await timed(work);
  const warm = await timed(work);
  return { firstMs: first.ms, warmMs: warm.ms, warmCpuMs: warm.cpuMs, result: warm.result };
}

/** The peak resident set of this process so far, worker threads included (`maxRSS` is in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Prints `measurement` as the process's report. */
export function report(measurement: Measurement): void {
  console.log(JSON.stringify(measurement));
}
