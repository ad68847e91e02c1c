import type { Random } from "./random.js";
import { TEXTURE_TILE, type TextureFields, type TextureName } from "./textures.js";

/**
 * A texture applied to pixels. `multiply` scales each pixel by `1 + amount × (2n − 1)` (n the texture value
 * in 0..1), lightening and darkening around the original; `whiten` moves it towards white by `amount × n`.
 */
export interface TextureOverlay {
  readonly texture: TextureName;
  readonly mode: "multiply" | "whiten";
  /** Tile size relative to 128 design units (0.5 = twice as fine). */
  readonly scale: number;
  /** Rotation in radians. */
  readonly angle: number;
  /** Offset into the tile, in tile samples. */
  readonly offsetX: number;
  readonly offsetY: number;
  readonly amount: number;
  /** For `multiply`: extra strength of the red and green channels (0 neutral; > 0 mottles towards yellow). */
  readonly warmth: number;
}

/** Optional parts of an overlay. */
export interface OverlayOptions {
  readonly mode?: TextureOverlay["mode"];
  /** Radians; random if left out. */
  readonly angle?: number;
  readonly warmth?: number;
}

/** A texture overlay with a random offset (and a random angle unless one is given). */
export function textureOverlay(
  random: Random,
  texture: TextureName,
  scale: number,
  amount: number,
  options: OverlayOptions = {},
): TextureOverlay {
  return {
    texture,
    mode: options.mode ?? "multiply",
    scale,
    angle: options.angle ?? random.range(0, 2 * Math.PI),
    offsetX: random.range(0, TEXTURE_TILE),
    offsetY: random.range(0, TEXTURE_TILE),
    amount,
    warmth: options.warmth ?? 0,
  };
}

/**
 * Applies overlays to packed 8-bit pixels in place. `unitsPerPixel` converts pixels to design units, so a
 * texture looks the same at any resolution. With `weights` (one byte per pixel), each pixel's amount is
 * scaled by weight / 255 and pixels of weight 0 are left alone.
 */
export function applyOverlays(
  bytes: Uint8Array,
  channels: number,
  width: number,
  height: number,
  unitsPerPixel: number,
  overlays: readonly TextureOverlay[],
  fields: TextureFields,
  weights?: Uint8Array,
): void {
  if (overlays.length === 0) return;
  const pixels = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, bytes.length);
  const { factors, warm, white } = scratch(width * height);
  const rows = weights === undefined ? { first: 0, last: height - 1 } : occupiedRows(weights, width, height);
  const wrap = TEXTURE_TILE - 1;
  const positive = TEXTURE_TILE * 128;
  for (const overlay of overlays) {
    const field = fields[overlay.texture];
    const k = (unitsPerPixel * TEXTURE_TILE) / (overlay.scale * 128);
    const cos = Math.cos(-overlay.angle) * k;
    const sin = Math.sin(-overlay.angle) * k;
    const { amount, warmth } = overlay;
    const whiten = overlay.mode === "whiten";
    for (let y = rows.first; y <= rows.last; y++) {
      const py = y + 0.5;
      let u = positive + overlay.offsetX + 0.5 * cos - py * sin;
      let v = positive + overlay.offsetY + 0.5 * sin + py * cos;
      for (let i = y * width, end = i + width; i < end; i++, u += cos, v += sin) {
        const weight = weights === undefined ? 1 : weights[i] / 255;
        if (weight === 0) continue;
        const iu = u | 0;
        const iv = v | 0;
        const tu = u - iu;
        const tv = v - iv;
        const x0 = iu & wrap;
        const x1 = (iu + 1) & wrap;
        const r0 = (iv & wrap) * TEXTURE_TILE;
        const r1 = ((iv + 1) & wrap) * TEXTURE_TILE;
        const top = field[r0 + x0] + (field[r0 + x1] - field[r0 + x0]) * tu;
        const bottom = field[r1 + x0] + (field[r1 + x1] - field[r1 + x0]) * tu;
        const n = top + (bottom - top) * tv;
        if (whiten) {
          white[i] += (1 - white[i]) * Math.min(1, amount * n * weight);
        } else {
          const delta = amount * weight * (2 * n - 1);
          factors[i] *= 1 + delta;
          if (warmth !== 0) warm[i] *= 1 + delta * warmth;
        }
      }
    }
  }
  for (
    let i = rows.first * width, p = i * channels, end = (rows.last + 1) * width;
    i < end;
    i++, p += channels
  ) {
    const f = factors[i];
    const w = white[i];
    if (f === 1 && w === 0) continue;
    const fw = f * warm[i];
    const r = pixels[p] * fw;
    const g = pixels[p + 1] * fw;
    const b = pixels[p + 2] * f;
    pixels[p] = r + (255 - r) * w;
    pixels[p + 1] = g + (255 - g) * w;
    pixels[p + 2] = b + (250 - b) * w;
  }
}

interface Scratch {
  factors: Float32Array;
  warm: Float32Array;
  white: Float32Array;
}

let buffers: Scratch | undefined;

/** Per-pixel accumulators, reused between calls (they run synchronously, one at a time per thread). */
function scratch(length: number): Scratch {
  if (!buffers || buffers.factors.length < length) {
    buffers = {
      factors: new Float32Array(length),
      warm: new Float32Array(length),
      white: new Float32Array(length),
    };
  }
  buffers.factors.fill(1, 0, length);
  buffers.warm.fill(1, 0, length);
  buffers.white.fill(0, 0, length);
  return buffers;
}

/** The first and last rows holding a non-zero weight (an empty range if there are none). */
function occupiedRows(weights: Uint8Array, width: number, height: number): { first: number; last: number } {
  let first = height;
  let last = -1;
  for (let y = 0; y < height; y++) {
    const row = weights.subarray(y * width, (y + 1) * width);
    if (row.some((v) => v !== 0)) {
      first = Math.min(first, y);
      last = y;
    }
  }
  return { first, last };
}
