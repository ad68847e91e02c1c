import type * as tf from "@tensorflow/tfjs";
import type { BackendChoice } from "../config/backend-choices.js";
import { startThreadPool } from "../threads/thread-pool.js";
import type { InputShape } from "./explained-function.js";
import type { GradientSource, PathPoint } from "./gradient-source.js";
import type { GradientCall, GradientReply } from "./gradient-worker.js";

/** What each gradient thread needs to rebuild the model on its own backend. */
export interface GradientThreadSetup {
  /** The explained model (see engine/model-artifacts.ts), outputs as they are explained. */
  readonly artifacts: tf.io.ModelArtifacts;
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
  const pool = startThreadPool<GradientCall, GradientReply>({
    module: new URL("./gradient-worker.ts", import.meta.url),
    threads,
    name: "gradient thread",
    workerData: () => setup,
  });

  return {
    inputShape: setup.inputShape,

    async outputs(inputs) {
      const reply = await pool.request(0, { kind: "outputs", inputs: [...inputs] });
      return (reply as { outputs: Float32Array[] }).outputs;
    },

    async weightedGradientSums(input, baseline, points) {
      const shares = Array.from({ length: threads }, (_, w) => points.filter((_, i) => i % threads === w));
      const replies = await Promise.all(
        shares
          .map((share, w) => ({ share, w }))
          .filter(({ share }) => share.length > 0)
          .map(({ share, w }) =>
            pool.request(w, { kind: "gradients", input, baseline, points: share as PathPoint[] }),
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

    dispose: () => pool.dispose(),
  };
}
