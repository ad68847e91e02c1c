import { decodeImage } from "../image/decode-image.js";
import type { ExplainedSummary } from "../schema/summary.js";
import type { AnalysisOptions } from "./analysis-options.js";
import { assembleSummary } from "./assemble-summary.js";
import { computeExplanations } from "./compute-explanations.js";
import type { Explainer } from "./explainer.js";
import { renderExplanations } from "./render-explanations.js";
import { Stopwatch } from "./stopwatch.js";

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
  const [height, width] = explainer.inputShape;
  const { channels } = explainer.bundle.config.input;
  const clock = new Stopwatch();
  const image = await clock.time("decode", () =>
    decodeImage(bytes, { width, height, channels, maxPixels: options.maxPixels }),
  );
  const explanations = await computeExplanations(explainer, image, options, clock);
  const artifacts = await clock.time("render", () =>
    renderExplanations(explainer, image, explanations, options),
  );
  const summary = assembleSummary(explainer, source, image, explanations, options, clock.timings());
  return { summary, artifacts };
}
