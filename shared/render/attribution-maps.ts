import type { InputShape } from "../engine/explained-function.js";
import { colorize } from "./colormaps.js";
import type { Raster } from "./raster.js";

/** The percentile at which attribution maps are clipped, so one hot pixel does not wash out the rest. */
export const CLIP_PERCENTILE = 99;

/** Σ over colour channels of |attribution|, per pixel: the seed's mask. */
export function attributionMagnitude(
  attributions: Float32Array,
  [height, width, channels]: InputShape,
): Float32Array {
  return sumChannels(attributions, height * width, channels, Math.abs);
}

/** Σ over colour channels of the signed attribution, per pixel. */
export function attributionSigned(
  attributions: Float32Array,
  [height, width, channels]: InputShape,
): Float32Array {
  return sumChannels(attributions, height * width, channels, (value) => value);
}

/** The p-th percentile (0..100) of `values`, by nearest rank. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The attribution mask: magnitude clipped at the 99th percentile, scaled to 0..1, in inferno. */
export function maskRaster(magnitude: Float32Array, width: number, height: number): Raster {
  const ceiling = percentile(magnitude, CLIP_PERCENTILE);
  const scaled = magnitude.map((value) => (ceiling > 0 ? Math.min(1, value / ceiling) : 0));
  return { width, height, rgb: colorize("inferno", scaled) };
}

/** The signed map: blue negative, white zero, red positive, symmetric about zero, clipped at the 99th percentile of |value|. */
export function signedRaster(signed: Float32Array, width: number, height: number): Raster {
  const ceiling = percentile(signed.map(Math.abs), CLIP_PERCENTILE);
  const scaled = signed.map((value) =>
    ceiling > 0 ? 0.5 + 0.5 * Math.max(-1, Math.min(1, value / ceiling)) : 0.5,
  );
  return { width, height, rgb: colorize("red-blue", scaled) };
}

/** A map already in 0..1 (Grad-CAM), in inferno. */
export function heatmapRaster(values: Float32Array, width: number, height: number): Raster {
  return { width, height, rgb: colorize("inferno", values) };
}

function sumChannels(
  values: Float32Array,
  positions: number,
  channels: number,
  f: (value: number) => number,
): Float32Array {
  const result = new Float32Array(positions);
  for (let p = 0; p < positions; p++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += f(values[p * channels + c]);
    result[p] = sum;
  }
  return result;
}
