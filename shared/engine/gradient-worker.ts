import { workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { explainedFunction } from "./explained-function.js";
import { answerRequests } from "../threads/answer-requests.js";
import { initBackend } from "./backend.js";
import type { PathPoint } from "./gradient-source.js";
import type { GradientThreadSetup } from "./parallel-gradient-source.js";
import { createTensorGradientSource } from "./tensor-gradient-source.js";

/** One thread of a parallel gradient source: loads the model on its own backend and answers requests. */

/** What a thread is asked to do. */
export type GradientCall =
  | { readonly kind: "outputs"; readonly inputs: Float32Array[] }
  | {
      readonly kind: "gradients";
      readonly input: Float32Array;
      readonly baseline: Float32Array;
      readonly points: PathPoint[];
    };

export type GradientReply =
  { readonly outputs: Float32Array[] } | { readonly sums: [number, Float32Array][] };

const setup = workerData as GradientThreadSetup;

const ready = (async () => {
  await initBackend(setup.backend);
  const model = await tf.loadLayersModel(tf.io.fromMemory(setup.artifacts));
  return createTensorGradientSource(explainedFunction(model), setup.inputShape, {
    batchSize: setup.batchSize,
  });
})();

answerRequests<GradientCall, GradientReply>(
  async (call) => {
    const source = await ready;
    if (call.kind === "outputs") return { outputs: await source.outputs(call.inputs) };
    return { sums: [...(await source.weightedGradientSums(call.input, call.baseline, call.points))] };
  },
  (reply) => ("sums" in reply ? reply.sums.map(([, sum]) => sum.buffer as ArrayBuffer) : []),
);
