import { Worker } from "node:worker_threads";
import type { RenderReply } from "./render-worker.js";
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
 * A pool of `threads` worker threads (0 renders in the calling thread). Each thread takes the next job as
 * soon as it has room, so the work balances itself; the output does not depend on which thread drew what.
 */
export function createRenderPool(threads: number): RenderPool {
  if (threads <= 0) {
    return { capacity: 4, run: writeSample, close: async () => undefined };
  }
  const waiting = new Map<number, { resolve: (image: string) => void; reject: (error: Error) => void }>();
  const load = new Array<number>(threads).fill(0);
  let broken: Error | undefined;
  const workers = Array.from({ length: threads }, (_, slot) => {
    const worker = new Worker(new URL("./render-worker-entry.mjs", import.meta.url));
    worker.on("message", (reply: RenderReply) => {
      load[slot] -= 1;
      const waiter = waiting.get(reply.index);
      waiting.delete(reply.index);
      if ("error" in reply)
        waiter?.reject(new Error(`render thread failed on image ${reply.index}: ${reply.error}`));
      else waiter?.resolve(reply.image);
    });
    worker.on("error", (error) => {
      broken ??= error;
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    });
    return worker;
  });
  return {
    capacity: threads * JOBS_PER_THREAD,
    run(job) {
      if (broken) return Promise.reject(broken);
      const slot = load.indexOf(Math.min(...load));
      load[slot] += 1;
      return new Promise<string>((resolve, reject) => {
        waiting.set(job.index, { resolve, reject });
        workers[slot].postMessage(job);
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
