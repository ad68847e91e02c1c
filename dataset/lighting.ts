import { DESIGN_SIZE, type Point } from "./geometry.js";
import type { Random } from "./random.js";

/** Scene lighting, applied to the finished pixels: a brightness ramp, a vignette and a faint colour cast. */
export interface Lighting {
  /** Direction the light comes from, in radians. */
  readonly direction: number;
  /** Strongest lightening (towards white) on the lit side and darkening on the far side, 0..1. */
  readonly brighten: number;
  readonly darken: number;
  readonly vignetteCenter: Point;
  /** Vignette radius in design units; darkening starts at `vignetteStart` × radius and reaches `vignette` at it. */
  readonly vignetteRadius: number;
  readonly vignetteStart: number;
  readonly vignette: number;
  /** A colour (RGB 0..255) mixed in by `castAmount`. */
  readonly cast: readonly [number, number, number];
  readonly castAmount: number;
}

/** Random lighting for a scene lit from `direction`. */
export function createLighting(random: Random, direction: number): Lighting {
  const c = DESIGN_SIZE / 2;
  return {
    direction,
    brighten: random.range(0, 0.18),
    darken: random.range(0, 0.3),
    vignetteCenter: { x: c + random.range(-30, 30), y: c + random.range(-30, 30) },
    vignetteRadius: DESIGN_SIZE * random.range(0.65, 0.9),
    vignetteStart: random.range(0.4, 0.7),
    vignette: random.range(0.15, 0.55),
    cast: random.chance(0.5) ? [255, 176, 96] : [96, 160, 255],
    castAmount: random.chance(0.5) ? random.range(0.02, 0.08) : 0,
  };
}

/** A soft shadow to darken the picture with: weights 0..255 per pixel and the darkening at full weight. */
export interface ShadowLayer {
  readonly weights: Uint8Array;
  readonly opacity: number;
}

/** Applies lighting (and an optional cast shadow) to packed RGB pixels of side `size`, in place. */
export function applyLighting(
  pixels: Uint8Array,
  size: number,
  lighting: Lighting,
  shadow?: ShadowLayer,
): void {
  const rgb = new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.length);
  const unit = DESIGN_SIZE / size;
  const reach = DESIGN_SIZE * 0.7;
  const dx = Math.cos(lighting.direction) / reach;
  const dy = Math.sin(lighting.direction) / reach;
  const c = DESIGN_SIZE / 2;
  const { vignetteCenter, vignetteRadius, vignetteStart, castAmount } = lighting;
  const [cr, cg, cb] = lighting.cast;
  const castR = cr * castAmount;
  const castG = cg * castAmount;
  const castB = cb * castAmount;
  const keep = 1 - castAmount;
  const fade = 1 / (1 - vignetteStart);
  for (let y = 0, i = 0, p = 0; y < size; y++) {
    const py = (y + 0.5) * unit;
    const vy = (py - vignetteCenter.y) / vignetteRadius;
    for (let x = 0; x < size; x++, i++, p += 3) {
      const px = (x + 0.5) * unit;
      const along = Math.max(-1, Math.min(1, (px - c) * dx + (py - c) * dy));
      const white = along > 0 ? lighting.brighten * along : 0;
      const vx = (px - vignetteCenter.x) / vignetteRadius;
      const ramp = Math.max(0, Math.min(1, (Math.sqrt(vx * vx + vy * vy) - vignetteStart) * fade));
      let factor = (along < 0 ? 1 + lighting.darken * along : 1) * (1 - lighting.vignette * ramp);
      if (shadow) factor *= 1 - (shadow.opacity * shadow.weights[i]) / 255;
      const r = rgb[p];
      const g = rgb[p + 1];
      const b = rgb[p + 2];
      rgb[p] = ((r + (255 - r) * white) * keep + castR) * factor;
      rgb[p + 1] = ((g + (255 - g) * white) * keep + castG) * factor;
      rgb[p + 2] = ((b + (255 - b) * white) * keep + castB) * factor;
    }
  }
}
