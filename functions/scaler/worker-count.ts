/** What the scaler knows when it decides how many workers to start. */
export interface WorkerCountInput {
  /** Images in the work queue: messages waiting plus messages a worker holds. */
  readonly queueDepth: number;
  /** Workers already submitted, waiting for an instance, starting or running. */
  readonly activeWorkers: number;
  /** The most workers to have at once. */
  readonly maxWorkers: number;
  /** One worker is wanted per this many images. */
  readonly imagesPerWorker: number;
}

/** The workers the queue calls for: ⌈depth / imagesPerWorker⌉, capped at maxWorkers. */
export function targetWorkers(input: Omit<WorkerCountInput, "activeWorkers">): number {
  check("queueDepth", input.queueDepth, 0);
  check("maxWorkers", input.maxWorkers, 0);
  check("imagesPerWorker", input.imagesPerWorker, 1);
  return Math.min(input.maxWorkers, Math.ceil(input.queueDepth / input.imagesPerWorker));
}

/**
 * How many workers to submit now: max(0, min(maxWorkers, ⌈depth / imagesPerWorker⌉) − active). Workers exit
 * when the queue is idle, so the scaler only ever adds; it never stops one.
 */
export function workersToSubmit(input: WorkerCountInput): number {
  check("activeWorkers", input.activeWorkers, 0);
  return Math.max(0, targetWorkers(input) - input.activeWorkers);
}

function check(name: keyof WorkerCountInput, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a whole number of at least ${min}, not ${value}`);
  }
}
