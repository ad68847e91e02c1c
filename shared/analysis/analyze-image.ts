import * as tf from "@tensorflow/tfjs";
import { layerActivations } from "../engine/activations.js";
import { makeBaseline } from "../engine/baselines.js";
import { gradCam } from "../engine/grad-cam.js";
import { integratedGradients } from "../engine/integrated-gradients.js";
import { decide, defaultTargets, targetsByName } from "../model/prediction.js";
import { decodeImage } from "../image/decode-image.js";
import { activationGrid } from "../render/activation-grid.js";
import {
  attributionMagnitude,
  attributionSigned,
  heatmapRaster,
  maskRaster,
  signedRaster,
} from "../render/attribution-maps.js";
import { interpolationStrip } from "../render/interpolation-strip.js";
import { encodeNpy } from "../render/npy.js";
import { blend, encodePng } from "../render/raster.js";
import { encodeThumbnail } from "../render/thumbnail.js";
import { parseSummary, SUMMARY_SCHEMA_VERSION, type ExplainedSummary } from "../schema/summary.js";
import { CNN_LENS_VERSION } from "../version.js";
import type { AnalysisOptions } from "./analysis-options.js";
import { artifactPaths, THUMBNAIL_SIZE } from "../storage/artifact-paths.js";
import type { Explainer } from "./explainer.js";
import { Stopwatch } from "./stopwatch.js";

/** The seed notebook's overlay opacity. */
export const OVERLAY_ALPHA = 0.4;

/** Where an image came from, recorded in its summary. */
export interface ImageSource {
  readonly source: string;
  readonly etag?: string;
  /** Ground-truth labels, if known. */
  readonly labels?: readonly string[];
}

/** One image's summary and the files it names, by path relative to the summary. */
export interface Analysis {
  readonly summary: ExplainedSummary;
  readonly artifacts: ReadonlyMap<string, Uint8Array>;
}

/**
 * Explains one image: prediction, Integrated Gradients and Grad-CAM for every target in one call, activation
 * grids, and their renderings. Throws BadInputError for images or requests it cannot explain.
 */
export async function analyzeImage(
  explainer: Explainer,
  bytes: Uint8Array,
  source: ImageSource,
  options: AnalysisOptions,
): Promise<Analysis> {
  const { bundle, inputShape } = explainer;
  const { config } = bundle;
  const [height, width, channels] = inputShape;
  const clock = new Stopwatch();
  const artifacts = new Map<string, Uint8Array>();

  const image = await clock.time("decode", () =>
    decodeImage(bytes, { width, height, channels: config.input.channels, maxPixels: options.maxPixels }),
  );
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
    const cams = await clock.time("gradCam", async () =>
      gradCam(explainer.outputModel(options.output), inputTensor, targets),
    );
    const layers = await clock.time("activations", async () =>
      layerActivations(bundle.model, inputTensor, options.layers),
    );

    const rendered = await clock.time("render", async () => {
      artifacts.set(artifactPaths.input, await encodePng(image.display));
      artifacts.set(artifactPaths.thumbnail, await encodeThumbnail(image.display, THUMBNAIL_SIZE));
      const integrated = [];
      for (const result of attributions) {
        const label = config.labels[result.target];
        const paths = artifactPaths.integratedGradients(label);
        const mask = maskRaster(attributionMagnitude(result.attributions, inputShape), width, height);
        artifacts.set(paths.mask, await encodePng(mask));
        artifacts.set(paths.overlay, await encodePng(blend(image.display, mask, OVERLAY_ALPHA)));
        const signed = signedRaster(attributionSigned(result.attributions, inputShape), width, height);
        artifacts.set(paths.signed, await encodePng(signed));
        const strip = interpolationStrip(image.pixels, pixelBaselines[0], width, height, channels);
        artifacts.set(paths.strip, await encodePng(strip));
        if (options.attributionsNpy)
          artifacts.set(paths.attributions, encodeNpy(result.attributions, inputShape));
        integrated.push({
          label,
          rule: options.rule,
          output: options.output,
          baselines: [...options.baselines],
          ...(options.baselines.includes("blur") ? { blurSigma: options.blurSigma } : {}),
          steps: result.steps,
          evaluations: result.evaluations,
          converged: result.converged,
          completeness: {
            attributionSum: result.attributionSum,
            outputDelta: result.outputDelta,
            relativeError: result.relativeError,
          },
          artifacts: {
            mask: paths.mask,
            overlay: paths.overlay,
            signed: paths.signed,
            strip: paths.strip,
            ...(options.attributionsNpy ? { attributions: paths.attributions } : {}),
          },
        });
      }
      const gradCams = [];
      for (const [t, map] of cams.maps.entries()) {
        const label = config.labels[targets[t]];
        const paths = artifactPaths.gradCam(label);
        const heatmap = heatmapRaster(map, width, height);
        artifacts.set(paths.heatmap, await encodePng(heatmap));
        artifacts.set(paths.overlay, await encodePng(blend(image.display, heatmap, OVERLAY_ALPHA)));
        gradCams.push({ label, layer: cams.layer, artifacts: paths });
      }
      const activations = [];
      for (const [index, layer] of layers.entries()) {
        const grid = artifactPaths.activationGrid(index, layer.layer);
        artifacts.set(grid, await encodePng(activationGrid(layer)));
        activations.push({
          layer: layer.layer,
          className: layer.className,
          shape: [...layer.shape],
          channels: [...layer.stats],
          topChannels: [...layer.topChannels],
          grid,
        });
      }
      return { integrated, gradCams, activations };
    });

    const summary = parseSummary({
      schemaVersion: SUMMARY_SCHEMA_VERSION,
      status: "explained",
      createdAt: new Date().toISOString(),
      image: {
        source: source.source,
        ...(source.etag ? { etag: source.etag } : {}),
        format: image.source.format,
        width: image.source.width,
        height: image.source.height,
        ...(source.labels ? { labels: [...source.labels] } : {}),
      },
      model: { id: bundle.id, hash: bundle.hash, inputShape: [...inputShape] },
      runtime: {
        ...explainer.runtime,
        skipped: [...explainer.runtime.skipped],
        cnnLensVersion: CNN_LENS_VERSION,
      },
      predictions: decision.classes.map(({ label, score, threshold, predicted }) => ({
        label,
        score,
        ...(threshold === undefined ? {} : { threshold }),
        predicted,
      })),
      predictedLabels: [...decision.labels],
      input: artifactPaths.input,
      thumbnail: artifactPaths.thumbnail,
      integratedGradients: rendered.integrated,
      gradCam: rendered.gradCams,
      activations: rendered.activations,
      timings: clock.timings(),
    }) as ExplainedSummary;
    return { summary, artifacts };
  } finally {
    inputTensor.dispose();
  }
}
