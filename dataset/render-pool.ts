import { startThreadPool } from "../shared/threads/thread-pool.js";
import { writeSample, type SampleJob } from "./write-sample.js";

/** Renders and writes samples, in this thread or spread over worker threads. */
export interface RenderPool {
  /** How many jobs to keep in flight to keep every thread (and sharp's thread pool) busy. */
  readonly capacity: number;
  /** Renders and writes one sample; resolves to its image file name. */
  run(job: SampleJob): Promise<string>;
  close(): Promise<void>;
}

/** Jobs kept in flight per thread, so one sample's JavaScript overlaps another's work inside sharp. */
const JOBS_PER_THREAD = 3;

/**
 * A pool of `threads` worker threads (0 renders in the calling thread). Each job goes to the thread with the
 * fewest in flight, so the work balances itself; the output does not depend on which thread drew what.
 */
export function createRenderPool(threads: number): RenderPool {
  if (threads <= 0) {
    return { capacity: 4, run: writeSample, close: async () => undefined };
  }
  const pool = startThreadPool<SampleJob, string>({
    module: new URL("./render-worker.ts", import.meta.url),
    threads,
    name: "render thread",
  });
  return {
    capacity: threads * JOBS_PER_THREAD,
    run: (job) =>
      pool.request(pool.leastBusy(), job).catch((error: Error) => {
        throw new Error(`image ${job.index}: ${error.message}`);
      }),
    close: () => pool.dispose(),
  };
}
