import type { Polygon } from "./geometry.js";

/**
 * Fills polygons into an 8-bit mask (255 inside, 0 outside) by sampling each pixel centre, even–odd rule per
 * polygon, union across polygons. Coordinates are in design units and multiplied by `scale` to reach pixels,
 * which matches librsvg's anti-aliased rendering thresholded at half coverage.
 */
export function rasterizePolygons(
  polygons: readonly Polygon[],
  width: number,
  height: number,
  scale: number,
): Uint8Array {
  const mask = new Uint8Array(width * height);
  const crossings: number[] = [];
  for (const polygon of polygons) {
    const n = polygon.length;
    if (n < 3) continue;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const p of polygon) {
      minY = Math.min(minY, p.y * scale);
      maxY = Math.max(maxY, p.y * scale);
    }
    const firstRow = Math.max(0, Math.ceil(minY - 0.5));
    const lastRow = Math.min(height - 1, Math.floor(maxY - 0.5));
    for (let row = firstRow; row <= lastRow; row++) {
      const y = row + 0.5;
      crossings.length = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = polygon[i].y * scale;
        const yj = polygon[j].y * scale;
        if (yi > y !== yj > y) {
          const xi = polygon[i].x * scale;
          const xj = polygon[j].x * scale;
          crossings.push(xi + ((y - yi) / (yj - yi)) * (xj - xi));
        }
      }
      crossings.sort((a, b) => a - b);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const from = Math.max(0, Math.ceil(crossings[k] - 0.5));
        const to = Math.min(width - 1, Math.floor(crossings[k + 1] - 0.5));
        if (to >= from) mask.fill(255, row * width + from, row * width + to + 1);
      }
    }
  }
  return mask;
}

/** Pixel-wise intersection of two masks of the same size, written into the first. */
export function intersectMask(target: Uint8Array, other: Uint8Array): Uint8Array {
  const n = target.length;
  for (let i = 0; i < n; i++) target[i] = other[i] === 0 ? 0 : target[i];
  return target;
}

/** Pixel-wise union of masks of the same size, as a new mask. */
export function unionMasks(masks: readonly Uint8Array[], length: number): Uint8Array {
  const result = new Uint8Array(length);
  for (const mask of masks) for (let i = 0; i < length; i++) if (mask[i] !== 0) result[i] = 255;
  return result;
}
