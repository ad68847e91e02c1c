import { Random } from "./random.js";

/** Side of every texture tile in samples; at scale 1 a tile spans as many design units. */
export const TEXTURE_TILE = 128;

/** The noise textures the renderer layers over leaves, lesions and backgrounds. */
export type TextureName = "mottle" | "grain" | "clouds" | "streaks" | "felt" | "speckle";

interface TextureSpec {
  /** Lattice periods per tile, one entry per octave, as [periodX, periodY]. */
  readonly octaves: readonly (readonly [number, number])[];
  /** Exponent applied to the normalized noise (above 1 sparsens the highs). */
  readonly gamma: number;
}

const SPECS: Record<TextureName, TextureSpec> = {
  mottle: {
    octaves: [
      [4, 4],
      [8, 8],
      [16, 16],
      [32, 32],
    ],
    gamma: 1,
  },
  grain: {
    octaves: [
      [32, 32],
      [64, 64],
      [128, 128],
    ],
    gamma: 1,
  },
  clouds: {
    octaves: [
      [2, 2],
      [4, 4],
      [8, 8],
      [16, 16],
    ],
    gamma: 1,
  },
  streaks: {
    octaves: [
      [32, 2],
      [64, 4],
      [128, 8],
    ],
    gamma: 1,
  },
  felt: {
    octaves: [
      [8, 8],
      [16, 16],
      [32, 32],
      [64, 64],
      [128, 128],
    ],
    gamma: 1.6,
  },
  speckle: {
    octaves: [
      [64, 64],
      [128, 128],
    ],
    gamma: 3,
  },
};

const smooth = (t: number) => t * t * t * (t * (t * 6 - 15) + 10);

/** Tileable fractal value noise on a TEXTURE_TILE square, normalized to 0..1. */
function fractalNoise(spec: TextureSpec, random: Random): Float32Array {
  const size = TEXTURE_TILE;
  const field = new Float32Array(size * size);
  let amplitude = 1;
  for (const [periodX, periodY] of spec.octaves) {
    const lattice = Float32Array.from({ length: periodX * periodY }, () => random.next());
    for (let y = 0; y < size; y++) {
      const fy = (y / size) * periodY;
      const y0 = Math.floor(fy);
      const ty = smooth(fy - y0);
      const row0 = (y0 % periodY) * periodX;
      const row1 = ((y0 + 1) % periodY) * periodX;
      for (let x = 0; x < size; x++) {
        const fx = (x / size) * periodX;
        const x0 = Math.floor(fx);
        const tx = smooth(fx - x0);
        const x1 = (x0 + 1) % periodX;
        const top = lattice[row0 + x0] + (lattice[row0 + x1] - lattice[row0 + x0]) * tx;
        const bottom = lattice[row1 + x0] + (lattice[row1 + x1] - lattice[row1 + x0]) * tx;
        field[y * size + x] += amplitude * (top + (bottom - top) * ty);
      }
    }
    amplitude *= 0.55;
  }
  let min = Infinity;
  let max = -Infinity;
  for (const value of field) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  for (let i = 0; i < field.length; i++) field[i] = ((field[i] - min) / (max - min)) ** spec.gamma;
  return field;
}

/** Every texture as a noise field: TEXTURE_TILE² values in 0..1, row-major, tiling seamlessly. */
export type TextureFields = Readonly<Record<TextureName, Float32Array>>;

let fields: TextureFields | undefined;

/**
 * The texture tiles, built once per process from a fixed seed (so they never depend on the dataset seed;
 * per-sample variety comes from each use's own offset, rotation and scale).
 */
export function textureFields(): TextureFields {
  fields ??= Object.fromEntries(
    (Object.keys(SPECS) as TextureName[]).map((name) => [
      name,
      fractalNoise(SPECS[name], new Random(0).fork("texture", name)),
    ]),
  ) as Record<TextureName, Float32Array>;
  return fields;
}
