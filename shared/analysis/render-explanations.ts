import type { DecodedImage } from "../image/decode-image.js";
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
import type { AnalysisOptions } from "./analysis-options.js";
import { artifactPaths, THUMBNAIL_SIZE } from "../storage/artifact-paths.js";
import type { Explanations } from "./compute-explanations.js";
import type { Explainer } from "./explainer.js";

/** The seed notebook's overlay opacity. */
export const OVERLAY_ALPHA = 0.4;

/**
 * Draws one image's explanations and encodes each file at its {@link artifactPaths} path: the input and its
 * thumbnail; per target the IG mask, overlay, signed map, path strip (and raw `.npy` if asked) and the Grad-CAM
 * heatmap and overlay; one grid per activation layer.
 */
export async function renderExplanations(
  explainer: Explainer,
  image: DecodedImage,
  explanations: Explanations,
  options: AnalysisOptions,
): Promise<Map<string, Uint8Array>> {
  const { inputShape } = explainer;
  const [height, width, channels] = inputShape;
  const { labels } = explainer.bundle.config;
  const artifacts = new Map<string, Uint8Array>();

  artifacts.set(artifactPaths.input, await encodePng(image.display));
  artifacts.set(artifactPaths.thumbnail, await encodeThumbnail(image.display, THUMBNAIL_SIZE));
  for (const result of explanations.attributions) {
    const paths = artifactPaths.integratedGradients(labels[result.target]);
    const mask = maskRaster(attributionMagnitude(result.attributions, inputShape), width, height);
    artifacts.set(paths.mask, await encodePng(mask));
    artifacts.set(paths.overlay, await encodePng(blend(image.display, mask, OVERLAY_ALPHA)));
    const signed = signedRaster(attributionSigned(result.attributions, inputShape), width, height);
    artifacts.set(paths.signed, await encodePng(signed));
    const strip = interpolationStrip(image.pixels, explanations.pixelBaselines[0], width, height, channels);
    artifacts.set(paths.strip, await encodePng(strip));
    if (options.attributionsNpy)
      artifacts.set(paths.attributions, encodeNpy(result.attributions, inputShape));
  }
  for (const [t, map] of explanations.gradCams.maps.entries()) {
    const paths = artifactPaths.gradCam(labels[explanations.targets[t]]);
    const heatmap = heatmapRaster(map, width, height);
    artifacts.set(paths.heatmap, await encodePng(heatmap));
    artifacts.set(paths.overlay, await encodePng(blend(image.display, heatmap, OVERLAY_ALPHA)));
  }
  for (const [index, layer] of explanations.activations.entries()) {
    artifacts.set(artifactPaths.activationGrid(index, layer.layer), await encodePng(activationGrid(layer)));
  }
  return artifacts;
}
