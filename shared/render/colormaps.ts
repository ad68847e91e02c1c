import { INFERNO, RED_BLUE, VIRIDIS } from "./colormap-tables.js";

/** The colormaps cnn-lens draws with, by name. */
export const COLORMAPS = { viridis: VIRIDIS, inferno: INFERNO, "red-blue": RED_BLUE } as const;
export type ColormapName = keyof typeof COLORMAPS;

/** Writes the colour of `value` (0..1, clamped) from `colormap` as RGB at `out[offset..offset+2]`. */
export function colorInto(colormap: ColormapName, value: number, out: Uint8Array, offset: number): void {
  const index = Math.round(Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0)) * 255);
  const rgb = COLORMAPS[colormap][index];
  out[offset] = rgb >> 16;
  out[offset + 1] = (rgb >> 8) & 0xff;
  out[offset + 2] = rgb & 0xff;
}

/** Colours a map of values in 0..1 (clamped) as packed RGB. */
export function colorize(colormap: ColormapName, values: ArrayLike<number>): Uint8Array {
  const rgb = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) colorInto(colormap, values[i], rgb, i * 3);
  return rgb;
}
