import { workerData } from "node:worker_threads";
import { initBackend } from "../shared/engine/backend.js";
import { answerRequests } from "../shared/threads/answer-requests.js";
import { buildModel } from "./architecture.js";
import { computeStep, setWeightArrays, type StepResult } from "./gradient-step.js";
import type { StepRequest, TrainingThreadSetup } from "./step-pool.js";

/**
 * One thread of a data-parallel training step: holds a training copy of the model and the images (shared
 * memory, not copied); per request it takes the current weights, runs its share of the batch forward and
 * backward, and returns the gradients and the updated BatchNormalization statistics.
 */
const setup = workerData as TrainingThreadSetup;

const ready = (async () => {
  await initBackend("wasm");
  return buildModel(setup.architecture, { seed: setup.seed, variant: "training" });
})();
const set = {
  rows: Array.from({ length: setup.count }, () => ({ image: "", labels: "" })),
  size: setup.size,
  pixels: new Uint8Array(setup.pixels),
  targets: new Float32Array(setup.targets),
};

answerRequests<StepRequest, StepResult>(
  async (request) => {
    const model = await ready;
    setWeightArrays(model, request.weights);
    return computeStep(model, set, request.indices, request.transforms);
  },
  (result) => [
    ...result.gradients.map((g) => g.buffer as ArrayBuffer),
    ...result.state.map((s) => s.buffer as ArrayBuffer),
  ],
);
