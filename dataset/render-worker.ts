import { parentPort } from "node:worker_threads";
import { writeSample, type SampleJob } from "./write-sample.js";

/** What a render thread answers for each job. */
export type RenderReply =
  { readonly index: number; readonly image: string } | { readonly index: number; readonly error: string };

const port = parentPort;
if (!port) throw new Error("render-worker must run in a worker thread");
port.on("message", (job: SampleJob) => {
  writeSample(job).then(
    (image) => port.postMessage({ index: job.index, image } satisfies RenderReply),
    (error: unknown) =>
      port.postMessage({
        index: job.index,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies RenderReply),
  );
});
