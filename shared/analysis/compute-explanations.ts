import * as tf from "@tensorflow/tfjs";
import { layerActivations, type LayerActivation } from "../engine/activations.js";
import { makeBaseline } from "../engine/baselines.js";
import { gradCam, type GradCamMaps } from "../engine/grad-cam.js";
import { integratedGradients, type TargetAttributions } from "../engine/integrated-gradients.js";
import { decide, defaultTargets, targetsByName, type Decision } from "../model/prediction.js";
import type { DecodedImage } from "../image/decode-image.js";
import type { AnalysisOptions } from "./analysis-options.js";
import type { Explainer } from "./explainer.js";
import type { Stopwatch } from "./stopwatch.js";

/** What the engine says about one image, as plain data: nothing is drawn yet. */
export interface Explanations {
  readonly decision: Decision;
  /** The output indices explained: the requested labels', else the predicted ones. */
  readonly targets: readonly number[];
  /** The Integrated Gradients baselines in pixel space (0..255), in `options.baselines` order. */
  readonly pixelBaselines: readonly Float32Array[];
  /** Integrated Gradients, one per target, in `targets` order. */
  readonly attributions: readonly TargetAttributions[];
  /** Grad-CAM, one map per target, in `targets` order. */
  readonly gradCams: GradCamMaps;
  readonly activations: readonly LayerActivation[];
}

/**
 * Runs the engine on one decoded image: the prediction, then Integrated Gradients and Grad-CAM for every target
 * in one call each, then the activations, each timed on `clock`. Throws BadInputError for unknown targets.
 */
export async function computeExplanations(
  explainer: Explainer,
  image: DecodedImage,
  options: AnalysisOptions,
  clock: Stopwatch,
): Promise<Explanations> {
  const { bundle, inputShape } = explainer;
  const { config } = bundle;
  const toModelInput = (pixels: Float32Array) =>
    pixels.map((p) => p * config.input.scale + config.input.offset);
  const input = toModelInput(image.pixels);
  const inputTensor = tf.tensor4d(input, [1, ...inputShape]);
  try {
    const decision = await clock.time("predict", async () => {
      const scores = tf.tidy(() => bundle.model.predict(inputTensor) as tf.Tensor);
      const values = await scores.data();
      scores.dispose();
      return decide(values, config);
    });
    const targets = options.targets ? targetsByName(options.targets, config) : defaultTargets(decision);
    const pixelBaselines = options.baselines.map((kind) =>
      makeBaseline(kind, image, { blurSigma: options.blurSigma }),
    );

    const attributions = await clock.time("integratedGradients", async () =>
      integratedGradients(
        await explainer.gradientSource(options.output),
        input,
        pixelBaselines.map(toModelInput),
        {
          targets,
          rule: options.rule,
          steps: options.steps,
          tolerance: options.tolerance,
          maxSteps: options.maxSteps,
        },
      ),
    );
    const gradCams = await clock.time("gradCam", async () =>
      gradCam(explainer.outputModel(options.output), inputTensor, targets),
    );
    const activations = await clock.time("activations", async () =>
      layerActivations(bundle.model, inputTensor, options.layers),
    );
    return { decision, targets, pixelBaselines, attributions, gradCams, activations };
  } finally {
    inputTensor.dispose();
  }
}
