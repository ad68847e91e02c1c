/**
 * Pure measures of how well an attribution map agrees with a ground-truth region: binary masks (resize, dilate,
 * intersect), the share of a map's mass inside a mask, the pointing game (Zhang et al. 2016,
 * https://arxiv.org/abs/1608.00507), and Spearman's rank correlation for the model-randomization check
 * (Adebayo et al. 2018, https://arxiv.org/abs/1810.03292).
 */

/** A binary mask, row-major: 1 inside, 0 outside. */
export interface BinaryMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A mask from 8-bit grey pixels (e.g. a decoded PNG): inside where the value is at least `threshold`. */
export function maskFromGrey(
  grey: ArrayLike<number>,
  width: number,
  height: number,
  threshold = 128,
): BinaryMask {
  if (grey.length !== width * height) {
    throw new RangeError(`expected ${width}×${height} = ${width * height} grey values, got ${grey.length}`);
  }
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = grey[i] >= threshold ? 1 : 0;
  return { width, height, data };
}

/**
 * Resizes a mask by nearest neighbour, sampling each target pixel's centre: target (x, y) reads source
 * (⌊(x + ½)·W/w⌋, ⌊(y + ½)·H/h⌋). Halving a mask reads the odd rows and columns.
 */
export function resizeNearest(mask: BinaryMask, width: number, height: number): BinaryMask {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`cannot resize a mask to ${width}×${height}`);
  }
  const data = new Uint8Array(width * height);
  const columns = Array.from({ length: width }, (_, x) =>
    Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width)),
  );
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height)) * mask.width;
    for (let x = 0; x < width; x++) data[y * width + x] = mask.data[sourceRow + columns[x]];
  }
  return { width, height, data };
}

/**
 * Dilates a mask by a disc of `radius` pixels: a pixel is inside when some inside pixel lies within Euclidean
 * distance `radius` of it (radius 2 grows one pixel into 13). Radius 0 returns a copy.
 */
export function dilate(mask: BinaryMask, radius: number): BinaryMask {
  if (!(Number.isInteger(radius) && radius >= 0))
    throw new RangeError(`radius must be a whole number ≥ 0, got ${radius}`);
  const { width, height } = mask;
  const data = new Uint8Array(width * height);
  const offsets: [number, number][] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++)
      if (dx * dx + dy * dy <= radius * radius) offsets.push([dx, dy]);
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask.data[y * width + x]) continue;
      for (const [dx, dy] of offsets) {
        const u = x + dx;
        const v = y + dy;
        if (u >= 0 && u < width && v >= 0 && v < height) data[v * width + u] = 1;
      }
    }
  }
  return { width, height, data };
}

/** Pixels inside both masks (of the same size). */
export function intersect(a: BinaryMask, b: BinaryMask): BinaryMask {
  sameSize(a, b);
  return { width: a.width, height: a.height, data: a.data.map((value, i) => value & b.data[i]) };
}

/** How many pixels are inside. */
export function maskArea(mask: BinaryMask): number {
  let area = 0;
  for (const value of mask.data) area += value;
  return area;
}

/**
 * The share of a non-negative map's mass that falls inside the mask: Σ map·mask / Σ map. A map with no mass
 * (all zeros) puts none inside: 0.
 */
export function massShare(map: ArrayLike<number>, mask: BinaryMask): number {
  checkLength(map, mask);
  let inside = 0;
  let total = 0;
  for (let i = 0; i < map.length; i++) {
    total += map[i];
    if (mask.data[i]) inside += map[i];
  }
  return total > 0 ? inside / total : 0;
}

/**
 * The share of the leaf covered by the mask, |mask ∩ leaf| / |leaf|: the mass share that a map spread evenly
 * over the leaf would get, so the null that {@link massShare} is compared with. 0 for an empty leaf.
 */
export function areaShare(mask: BinaryMask, leaf: BinaryMask): number {
  const leafArea = maskArea(leaf);
  return leafArea > 0 ? maskArea(intersect(mask, leaf)) / leafArea : 0;
}

/** The index of the largest value (the first one on ties), or -1 when no value is positive. */
export function peakIndex(map: ArrayLike<number>): number {
  let best = -1;
  let bestValue = 0;
  for (let i = 0; i < map.length; i++) {
    if (map[i] > bestValue) {
      bestValue = map[i];
      best = i;
    }
  }
  return best;
}

/**
 * The pointing game: whether the map's highest pixel (the first in row-major order on ties) lies inside the
 * mask. A map with no positive value points nowhere: a miss.
 */
export function pointingHit(map: ArrayLike<number>, mask: BinaryMask): boolean {
  checkLength(map, mask);
  const peak = peakIndex(map);
  return peak >= 0 && mask.data[peak] === 1;
}

/** Ranks from 1, ties sharing the mean of the ranks they span (the "fractional" ranking). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's rank correlation ρ: the Pearson correlation of the average ranks, so ties are handled exactly.
 * NaN when either side is constant (its ranks have no spread) or when there are fewer than two values.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new RangeError(`spearman needs equal lengths, got ${a.length} and ${b.length}`);
  if (a.length < 2) return Number.NaN;
  return pearson(averageRanks(a), averageRanks(b));
}

/** The Pearson correlation; NaN when either side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
  }
  meanA /= n;
  meanB /= n;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - meanA;
    const db = b[i] - meanB;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  if (varianceA === 0 || varianceB === 0) return Number.NaN;
  return Math.max(-1, Math.min(1, covariance / Math.sqrt(varianceA * varianceB)));
}

function sameSize(a: BinaryMask, b: BinaryMask): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`masks differ in size: ${a.width}×${a.height} and ${b.width}×${b.height}`);
  }
}

function checkLength(map: ArrayLike<number>, mask: BinaryMask): void {
  if (map.length !== mask.data.length) {
    throw new RangeError(`the map has ${map.length} values but the mask ${mask.width}×${mask.height} pixels`);
  }
}
