import { parentPort, workerData } from "node:worker_threads";
import { loadLayersModel } from "../model/model-bundle.js";
import { explainedFunction, outputModel } from "../model/output-model.js";
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

export type GradientRequest = GradientCall & { readonly id: number };

export type GradientReply =
  | { readonly id: number; readonly outputs: Float32Array[] }
  | { readonly id: number; readonly sums: [number, Float32Array][] }
  | { readonly id: number; readonly error: string };

const setup = workerData as GradientThreadSetup;
const port = parentPort;
if (!port) throw new Error("gradient-worker.ts runs only as a worker thread");

const ready = (async () => {
  await initBackend(setup.backend);
  const model = outputModel(await loadLayersModel(setup.artifacts), setup.output);
  return createTensorGradientSource(explainedFunction(model), setup.inputShape, {
    batchSize: setup.batchSize,
  });
})();

port.on("message", async (request: GradientRequest) => {
  try {
    const source = await ready;
    if (request.kind === "outputs") {
      const outputs = await source.outputs(request.inputs);
      port.postMessage({ id: request.id, outputs } satisfies GradientReply);
    } else {
      const sums = [...(await source.weightedGradientSums(request.input, request.baseline, request.points))];
      port.postMessage(
        { id: request.id, sums } satisfies GradientReply,
        sums.map(([, sum]) => sum.buffer as ArrayBuffer),
      );
    }
  } catch (error) {
    port.postMessage({
      id: request.id,
      error: (error as Error).stack ?? String(error),
    } satisfies GradientReply);
  }
});
