import type { DecodedImage } from "../image/decode-image.js";
import { parseSummary, SUMMARY_SCHEMA_VERSION, type ExplainedSummary } from "../schema/summary.js";
import { CNN_LENS_VERSION } from "../version.js";
import type { AnalysisOptions } from "./analysis-options.js";
import type { ImageSource } from "./analyze-image.js";
import { artifactPaths } from "../storage/artifact-paths.js";
import type { Explanations } from "./compute-explanations.js";
import type { Explainer } from "./explainer.js";

/**
 * One image's explained summary: where it came from, the model and runtime, the predictions, and per target and
 * layer the numbers with the {@link artifactPaths} of the files that draw them. Validated before it is returned.
 */
export function assembleSummary(
  explainer: Explainer,
  source: ImageSource,
  image: DecodedImage,
  explanations: Explanations,
  options: AnalysisOptions,
  timings: Record<string, number>,
): ExplainedSummary {
  const { bundle, inputShape } = explainer;
  const { labels } = bundle.config;
  return parseSummary({
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
    predictions: explanations.decision.classes.map(({ label, score, threshold, predicted }) => ({
      label,
      score,
      ...(threshold === undefined ? {} : { threshold }),
      predicted,
    })),
    predictedLabels: [...explanations.decision.labels],
    input: artifactPaths.input,
    thumbnail: artifactPaths.thumbnail,
    integratedGradients: explanations.attributions.map((result) => {
      const label = labels[result.target];
      const paths = artifactPaths.integratedGradients(label);
      return {
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
      };
    }),
    gradCam: explanations.gradCams.maps.map((_, t) => {
      const label = labels[explanations.targets[t]];
      return { label, layer: explanations.gradCams.layer, artifacts: artifactPaths.gradCam(label) };
    }),
    activations: explanations.activations.map((layer, index) => ({
      layer: layer.layer,
      className: layer.className,
      shape: [...layer.shape],
      channels: [...layer.stats],
      topChannels: [...layer.topChannels],
      grid: artifactPaths.activationGrid(index, layer.layer),
    })),
    timings,
  }) as ExplainedSummary;
}
