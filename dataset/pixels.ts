import type { Rgb } from "./color.js";

/**
 * Bilinear upscaling of packed 8-bit pixels from a square of side `from` to one of side `to`, pixel centres
 * aligned, edges clamped: a horizontal pass into floats, then a vertical one.
 */
export function upscale(source: Uint8Array, from: number, to: number, channels: number): Uint8Array {
  if (from === to) return source;
  const ratio = from / to;
  const taps = (x: number) => {
    const s = Math.min(from - 1, Math.max(0, (x + 0.5) * ratio - 0.5));
    const i0 = Math.floor(s);
    return { i0, i1: Math.min(from - 1, i0 + 1), t: s - i0 };
  };
  const columns = Array.from({ length: to }, (_, x) => taps(x));
  const rowStride = to * channels;
  const wide = new Float32Array(from * rowStride);
  for (let y = 0; y < from; y++) {
    const src = y * from * channels;
    const dst = y * rowStride;
    for (let x = 0; x < to; x++) {
      const { i0, i1, t } = columns[x];
      const a = src + i0 * channels;
      const b = src + i1 * channels;
      for (let k = 0; k < channels; k++)
        wide[dst + x * channels + k] = source[a + k] + (source[b + k] - source[a + k]) * t;
    }
  }
  const out = new Uint8ClampedArray(to * rowStride);
  for (let y = 0; y < to; y++) {
    const { i0, i1, t } = taps(y);
    const a = i0 * rowStride;
    const b = i1 * rowStride;
    const dst = y * rowStride;
    for (let j = 0; j < rowStride; j++) out[dst + j] = wide[a + j] + (wide[b + j] - wide[a + j]) * t;
  }
  return new Uint8Array(out.buffer);
}

/** Lays straight-alpha RGBA pixels over packed RGB pixels of the same size, in place. */
export function alphaOver(rgb: Uint8Array, rgba: Uint8Array): void {
  const out = new Uint8ClampedArray(rgb.buffer, rgb.byteOffset, rgb.length);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    const alpha = rgba[j + 3];
    if (alpha === 0) continue;
    if (alpha === 255) {
      out[i] = rgba[j];
      out[i + 1] = rgba[j + 1];
      out[i + 2] = rgba[j + 2];
      continue;
    }
    const a = alpha / 255;
    out[i] = out[i] + (rgba[j] - out[i]) * a;
    out[i + 1] = out[i + 1] + (rgba[j + 1] - out[i + 1]) * a;
    out[i + 2] = out[i + 2] + (rgba[j + 2] - out[i + 2]) * a;
  }
}

/** A colour to blend pixels towards, by `amount` (0..1) at full weight. */
export interface Tint {
  readonly color: Rgb;
  readonly amount: number;
}

/** Blends packed RGB pixels towards each tint in turn, scaled per pixel by `weights` (0..255), in place. */
export function applyTints(rgb: Uint8Array, weights: Uint8Array, tints: readonly Tint[]): void {
  if (tints.length === 0) return;
  const out = new Uint8ClampedArray(rgb.buffer, rgb.byteOffset, rgb.length);
  for (let i = 0, p = 0; i < weights.length; i++, p += 3) {
    const weight = weights[i] / 255;
    if (weight === 0) continue;
    for (const { color, amount } of tints) {
      const t = amount * weight;
      out[p] = out[p] + (color.r - out[p]) * t;
      out[p + 1] = out[p + 1] + (color.g - out[p + 1]) * t;
      out[p + 2] = out[p + 2] + (color.b - out[p + 2]) * t;
    }
  }
}
