import type * as tf from "@tensorflow/tfjs";
import type { RuntimeInfo } from "../engine/backend.js";
import { batchSizeFor, DEFAULT_BATCH_BUDGET_BYTES } from "../engine/batch-size.js";
import type { InputShape } from "../engine/explained-function.js";
import type { GradientSource } from "../engine/gradient-source.js";
import { modelArtifactsOf } from "../engine/model-artifacts.js";
import { createParallelGradientSource } from "../engine/parallel-gradient-source.js";
import { createTensorGradientSource } from "../engine/tensor-gradient-source.js";
import type { ModelBundle } from "../model/model-bundle.js";
import type { ExplainedOutput } from "../schema/explanation-vocabulary.js";
import { explainedFunction } from "../engine/explained-function.js";
import { outputModel } from "../model/output-model.js";

/** Builds the gradient source for one explained output of a bundle (in this thread, or across threads). */
export type GradientSourceFactory = (
  bundle: ModelBundle,
  output: ExplainedOutput,
  model: tf.LayersModel,
) => GradientSource | Promise<GradientSource>;

/** A loaded model, ready to explain images: its output models and gradient sources are built once. */
export interface Explainer {
  readonly bundle: ModelBundle;
  readonly runtime: RuntimeInfo;
  readonly inputShape: InputShape;
  outputModel(output: ExplainedOutput): tf.LayersModel;
  gradientSource(output: ExplainedOutput): Promise<GradientSource>;
  /** Disposes what the explainer built (output models, gradient sources), not the bundle's own model. */
  dispose(): Promise<void>;
}

/** Gradients in this thread, in batches sized by memory. */
export const inThreadGradients: GradientSourceFactory = (bundle, _output, model) =>
  createTensorGradientSource(explainedFunction(model), inputShapeOf(bundle), {
    batchSize: batchSizeFor(model),
  });

/**
 * Gradients across `threads` worker threads, each with its own copy of the model, for the in-process backends
 * (wasm, cpu) that use one core each; native TensorFlow already uses every core, so it stays in this thread.
 * The batch memory budget is shared among the threads.
 */
export function gradientsFor(runtime: RuntimeInfo, threads: number): GradientSourceFactory {
  if (threads <= 1 || !(runtime.backend === "wasm" || runtime.backend === "cpu")) return inThreadGradients;
  const backend = runtime.backend;
  return async (bundle, _output, model) =>
    createParallelGradientSource(
      {
        artifacts: await modelArtifactsOf(model),
        inputShape: inputShapeOf(bundle),
        backend,
        batchSize: batchSizeFor(model, DEFAULT_BATCH_BUDGET_BYTES / threads),
      },
      threads,
    );
}

/** Wraps a bundle for explaining; `gradients` decides where gradients run. */
export function createExplainer(
  bundle: ModelBundle,
  runtime: RuntimeInfo,
  gradients: GradientSourceFactory = inThreadGradients,
): Explainer {
  const models = new Map<ExplainedOutput, tf.LayersModel>();
  const sources = new Map<ExplainedOutput, Promise<GradientSource>>();
  const modelFor = (output: ExplainedOutput) => {
    if (!models.has(output)) models.set(output, outputModel(bundle.model, output));
    return models.get(output) as tf.LayersModel;
  };
  return {
    bundle,
    runtime,
    inputShape: inputShapeOf(bundle),
    outputModel: modelFor,
    gradientSource(output) {
      if (!sources.has(output))
        sources.set(output, Promise.resolve(gradients(bundle, output, modelFor(output))));
      return sources.get(output) as Promise<GradientSource>;
    },
    async dispose() {
      for (const source of sources.values()) await (await source).dispose();
      sources.clear();
      // The layers the output models added (a linear copy of the last one, for logits); the bundle's model
      // belongs to whoever loaded the bundle.
      for (const model of models.values()) {
        for (const layer of model.layers) if (!bundle.model.layers.includes(layer)) layer.dispose();
      }
      models.clear();
    },
  };
}

function inputShapeOf(bundle: ModelBundle): InputShape {
  const { height, width, channels } = bundle.config.input;
  return [height, width, channels];
}
