import * as tf from "@tensorflow/tfjs";
import type { AnalysisOptions } from "../shared/analysis/analysis-options.js";
import type { Explainer } from "../shared/analysis/explainer.js";
import { makeBaseline } from "../shared/engine/baselines.js";
import { gradCam } from "../shared/engine/grad-cam.js";
import { integratedGradients } from "../shared/engine/integrated-gradients.js";
import { decide } from "../shared/model/prediction.js";
import { decodeImage } from "../shared/image/decode-image.js";
import { attributionMagnitude } from "../shared/render/attribution-maps.js";
import type { HeldOutSample } from "./held-out-set.js";
import {
  areaShare,
  dilate,
  maskArea,
  massShare,
  pointingHit,
  resizeNearest,
  spearman,
  type BinaryMask,
} from "./mask-metrics.js";

/**
 * Measures one held-out image: for every true label the model predicts (and that has a lesion mask), how much
 * of the Integrated Gradients and Grad-CAM maps falls on that label's lesions, whether their peaks do, and how
 * much the maps of a randomized model still resemble them. Everything is measured at the model's input size,
 * with the engine's own Integrated Gradients, Grad-CAM and attribution magnitude (Σ over channels of |IG|).
 */

/** How to measure. */
export interface QualityOptions {
  /** Integrated Gradients and the explained output, as the lens would run them. */
  readonly analysis: Pick<
    AnalysisOptions,
    "rule" | "steps" | "tolerance" | "maxSteps" | "baselines" | "blurSigma" | "output"
  >;
  /** Lesion masks are grown by this many pixels at input scale, so maps a pixel or two off still count. */
  readonly dilation: number;
}

/** One map's agreement with the lesion mask, and with its randomized-model counterpart. */
export interface MapMeasure {
  /** Share of the map's mass inside the dilated lesion mask. */
  readonly massShare: number;
  /** Share of the map's mass on the leaf (the rest is on the background). */
  readonly leafMassShare: number;
  /** Whether the map's peak lies inside the dilated lesion mask. */
  readonly pointingHit: boolean;
  /** Whether the map is all zeros (no mass, no peak). */
  readonly empty: boolean;
  /** Spearman ρ between this map and the randomized model's map; NaN if either is constant, absent if not run. */
  readonly randomizationRho?: number;
}

/** One (image, label) pair. */
export interface LabelMeasure {
  readonly image: string;
  readonly label: string;
  /** The model's score for the label. */
  readonly score: number;
  /** |dilated lesion mask ∩ leaf| / |leaf|: the mass share of a map spread evenly over the leaf. */
  readonly areaShare: number;
  /** Pixels of the dilated lesion mask at input size. */
  readonly maskPixels: number;
  readonly integratedGradients: MapMeasure & {
    readonly steps: number;
    readonly relativeError: number;
    /** The randomized model's step count, when it ran. */
    readonly randomizedSteps?: number;
  };
  readonly gradCam: MapMeasure;
}

/** One image's outcome. */
export interface SampleEvaluation {
  readonly image: string;
  readonly labels: readonly string[];
  /** What the model predicted (the lens's noLabel when nothing). */
  readonly predicted: readonly string[];
  /** One per true label that the model predicts and that has a mask. */
  readonly measures: readonly LabelMeasure[];
}

/** The models compared: the trained one, and optionally a randomized copy for the sanity check. */
export interface QualityModels {
  readonly trained: Explainer;
  readonly randomized?: Explainer;
}

/** Evaluates one held-out image. */
export async function evaluateSample(
  models: QualityModels,
  sample: HeldOutSample,
  options: QualityOptions,
): Promise<SampleEvaluation> {
  const { trained, randomized } = models;
  const { config } = trained.bundle;
  const [height, width] = trained.inputShape;
  const image = await decodeImage(sample.bytes, { width, height, channels: config.input.channels });
  const toModelInput = (pixels: Float32Array) =>
    pixels.map((p) => p * config.input.scale + config.input.offset);
  const input = toModelInput(image.pixels);
  const baselines = options.analysis.baselines.map((kind) =>
    toModelInput(makeBaseline(kind, image, { blurSigma: options.analysis.blurSigma })),
  );
  const inputTensor = tf.tensor4d(input, [1, ...trained.inputShape]);
  try {
    const scores = tf.tidy(() => trained.bundle.model.predict(inputTensor) as tf.Tensor).dataSync();
    const decision = decide(scores, config);
    const evaluated = decision.classes.filter(
      (c) => c.predicted && sample.labels.includes(c.label) && sample.lesions.has(c.label),
    );
    if (evaluated.length === 0)
      return { image: sample.image, labels: sample.labels, predicted: decision.labels, measures: [] };
    const targets = evaluated.map((c) => c.index);

    const igOptions = { ...options.analysis, targets };
    const ig = await integratedGradients(
      await trained.gradientSource(options.analysis.output),
      input,
      baselines,
      igOptions,
    );
    const cams = gradCam(trained.outputModel(options.analysis.output), inputTensor, targets);
    const igMaps = ig.map((result) => attributionMagnitude(result.attributions, trained.inputShape));

    let randomIgMaps: Float32Array[] | undefined;
    let randomSteps: number[] | undefined;
    let randomCamMaps: readonly Float32Array[] | undefined;
    if (randomized) {
      // The same IG settings: with adaptive steps, each model's integral is refined until its own completeness
      // holds within the tolerance (a randomized model's smooth output usually needs the fewest steps).
      const randomIg = await integratedGradients(
        await randomized.gradientSource(options.analysis.output),
        input,
        baselines,
        igOptions,
      );
      randomSteps = randomIg.map((result) => result.steps);
      randomIgMaps = randomIg.map((result) => attributionMagnitude(result.attributions, trained.inputShape));
      randomCamMaps = gradCam(randomized.outputModel(options.analysis.output), inputTensor, targets).maps;
    }

    const leaf = resizeNearest(sample.leaf, width, height);
    const measures = evaluated.map((c, t): LabelMeasure => {
      const lesion = dilate(
        resizeNearest(sample.lesions.get(c.label) as BinaryMask, width, height),
        options.dilation,
      );
      return {
        image: sample.image,
        label: c.label,
        score: c.score,
        areaShare: areaShare(lesion, leaf),
        maskPixels: maskArea(lesion),
        integratedGradients: {
          ...mapMeasure(igMaps[t], lesion, leaf, randomIgMaps?.[t]),
          steps: ig[t].steps,
          relativeError: ig[t].relativeError,
          ...(randomSteps ? { randomizedSteps: randomSteps[t] } : {}),
        },
        gradCam: mapMeasure(cams.maps[t], lesion, leaf, randomCamMaps?.[t]),
      };
    });
    return { image: sample.image, labels: sample.labels, predicted: decision.labels, measures };
  } finally {
    inputTensor.dispose();
  }
}

function mapMeasure(
  map: Float32Array,
  lesion: BinaryMask,
  leaf: BinaryMask,
  randomMap?: Float32Array,
): MapMeasure {
  return {
    massShare: massShare(map, lesion),
    leafMassShare: massShare(map, leaf),
    pointingHit: pointingHit(map, lesion),
    empty: !map.some((value) => value > 0),
    ...(randomMap ? { randomizationRho: spearman(map, randomMap) } : {}),
  };
}
