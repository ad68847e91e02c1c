import { Worker } from "node:worker_threads";
import type * as tf from "@tensorflow/tfjs";
import type { ExplainedOutput } from "../schema/explanation-vocabulary.js";
import type { BackendChoice } from "../config/backend-choices.js";
import type { InputShape } from "./explained-function.js";
import type { GradientSource, PathPoint } from "./gradient-source.js";
import type { GradientCall, GradientReply } from "./gradient-worker.js";

/** What each gradient thread needs to rebuild the model on its own backend. */
export interface GradientThreadSetup {
  readonly artifacts: tf.io.ModelArtifacts;
  readonly output: ExplainedOutput;
  readonly inputShape: InputShape;
  readonly backend: BackendChoice;
  readonly batchSize: number;
}

/**
 * A {@link GradientSource} spread over worker threads, each with its own copy of the model: the path points of
 * a request are dealt out round-robin and the partial sums added. The wasm backend runs one thread per
 * process in Node, so this is how one image uses every core.
 */
export async function createParallelGradientSource(
  setup: GradientThreadSetup,
  threads: number,
): Promise<GradientSource> {
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL("./gradient-worker-entry.mjs", import.meta.url), { workerData: setup }),
  );
  let broken: Error | undefined;
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve: (reply: GradientReply) => void; reject: (error: Error) => void }
  >();
  for (const worker of workers) {
    worker.on("message", (reply: GradientReply) => {
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if ("error" in reply) waiter?.reject(new Error(`gradient thread failed: ${reply.error}`));
      else waiter?.resolve(reply);
    });
    const fail = (error: Error) => {
      broken ??= error;
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    };
    worker.on("error", (error) => fail(new Error(`gradient thread failed: ${error.message}`)));
    worker.on("exit", (code) => fail(new Error(`gradient thread exited with code ${code}`)));
  }
  const ask = (worker: Worker, call: GradientCall) =>
    new Promise<GradientReply>((resolve, reject) => {
      if (broken) return reject(broken);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...call, id });
    });

  return {
    inputShape: setup.inputShape,

    async outputs(inputs) {
      const reply = await ask(workers[0], { kind: "outputs", inputs: [...inputs] });
      return (reply as { outputs: Float32Array[] }).outputs;
    },

    async weightedGradientSums(input, baseline, points) {
      const shares = workers.map((_, w) => points.filter((_, i) => i % workers.length === w));
      const replies = await Promise.all(
        shares
          .map((share, w) => ({ share, worker: workers[w] }))
          .filter(({ share }) => share.length > 0)
          .map(({ share, worker }) =>
            ask(worker, { kind: "gradients", input, baseline, points: share as PathPoint[] }),
          ),
      );
      const sums = new Map<number, Float32Array>();
      for (const reply of replies) {
        for (const [target, partial] of (reply as { sums: [number, Float32Array][] }).sums) {
          const sum = sums.get(target);
          if (!sum) sums.set(target, partial);
          else for (let i = 0; i < sum.length; i++) sum[i] += partial[i];
        }
      }
      return sums;
    },

    async dispose() {
      broken ??= new Error("the gradient source was disposed");
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
