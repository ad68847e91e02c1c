import { sideBySide, type Raster } from "./raster.js";

/** The path positions the strip shows. */
export const STRIP_ALPHAS = [0, 0.2, 0.4, 0.6, 0.8, 1] as const;

/**
 * The images along the straight path from the baseline to the input, at alpha 0, 0.2, …, 1, side by side.
 * Both images are flat HWC pixel values (0..255) with 1 or 3 channels.
 */
export function interpolationStrip(
  image: Float32Array,
  baseline: Float32Array,
  width: number,
  height: number,
  channels: number,
): Raster {
  const frames = STRIP_ALPHAS.map((alpha) => {
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) {
        const i = p * channels + (channels === 1 ? 0 : c);
        rgb[p * 3 + c] = Math.round(
          Math.min(255, Math.max(0, baseline[i] + alpha * (image[i] - baseline[i]))),
        );
      }
    }
    return { width, height, rgb };
  });
  return sideBySide(frames);
}
