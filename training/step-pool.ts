import type * as tf from "@tensorflow/tfjs";
import { startThreadPool } from "../shared/threads/thread-pool.js";
import type { Architecture } from "./architecture.js";
import type { Augmentation, ImageSet } from "./dataset-loader.js";
import { computeStep, type StepResult } from "./gradient-step.js";

/** Computes the gradient of one batch, in this thread or spread over worker threads. */
export interface StepPool {
  readonly threads: number;
  /**
   * The batch's mean loss and gradients, and the BatchNormalization statistics after it, given the current
   * weights (`model.weights` order). Each thread takes a contiguous share of the batch; shares are weighted
   * by size, so the result is the full batch's gradient except that BatchNormalization normalizes each share
   * by its own statistics.
   */
  step(
    weights: Float32Array[],
    indices: readonly number[],
    transforms?: readonly Augmentation[],
  ): Promise<StepResult>;
  close(): Promise<void>;
}

/** What each training thread gets once: the architecture and the images, in shared memory. */
export interface TrainingThreadSetup {
  readonly architecture: Architecture;
  /** Seeds the thread's dropout masks (its initial weights are overwritten at every step). */
  readonly seed: number;
  readonly size: number;
  readonly count: number;
  readonly pixels: SharedArrayBuffer;
  readonly targets: SharedArrayBuffer;
}

/** One thread's share of a step: the current weights and the rows it computes. */
export interface StepRequest {
  readonly weights: Float32Array[];
  readonly indices: readonly number[];
  readonly transforms?: readonly Augmentation[];
}

/** The step in this thread, on `model` itself (its BatchNormalization statistics move in place). */
export function localStepPool(model: tf.LayersModel, set: ImageSet): StepPool {
  return {
    threads: 0,
    step: (_weights, indices, transforms) => computeStep(model, set, indices, transforms),
    close: async () => undefined,
  };
}

/** The step spread over `threads` worker threads (wasm runs one thread per process in Node). */
export function workerStepPool(
  architecture: Architecture,
  set: ImageSet,
  options: { threads: number; seed: number },
): StepPool {
  const pixels = shared(set.pixels);
  const targets = shared(set.targets);
  const pool = startThreadPool<StepRequest, StepResult>({
    module: new URL("./training-worker.ts", import.meta.url),
    threads: options.threads,
    name: "training thread",
    workerData: (w) =>
      ({
        architecture,
        seed: (options.seed + 7919 * (w + 1)) >>> 0,
        size: set.size,
        count: set.rows.length,
        pixels,
        targets,
      }) satisfies TrainingThreadSetup,
  });
  return {
    threads: options.threads,
    async step(weights, indices, transforms) {
      const per = Math.ceil(indices.length / pool.threads);
      const shares = Array.from({ length: pool.threads }, (_, w) => ({
        w,
        from: w * per,
        to: Math.min(indices.length, (w + 1) * per),
      })).filter(({ from, to }) => to > from);
      const results = await Promise.all(
        shares.map(({ w, from, to }) =>
          pool.request(w, {
            weights,
            indices: indices.slice(from, to),
            transforms: transforms?.slice(from, to),
          }),
        ),
      );
      return combine(results);
    },
    close: () => pool.dispose(),
  };
}

/** The size-weighted mean of the shares' losses, gradients and statistics. */
export function combine(results: readonly StepResult[]): StepResult {
  if (results.length === 1) return results[0];
  const count = results.reduce((sum, r) => sum + r.count, 0);
  const mean = (pick: (r: StepResult) => Float32Array[]) =>
    pick(results[0]).map((first, k) => {
      const out = new Float32Array(first.length);
      for (const r of results) {
        const part = pick(r)[k];
        const weight = r.count / count;
        for (let i = 0; i < out.length; i++) out[i] += weight * part[i];
      }
      return out;
    });
  return {
    count,
    loss: results.reduce((sum, r) => sum + (r.loss * r.count) / count, 0),
    gradients: mean((r) => r.gradients),
    state: mean((r) => r.state),
  };
}

/** A shared-memory copy of a typed array (the threads read it without copying). */
function shared<T extends Uint8Array | Float32Array>(array: T): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(array.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return buffer;
}
