import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { decodeImage } from "../shared/image/decode-image.js";
import { INPUT_SCALE } from "./architecture.js";
import { LABELS, multiHot } from "./labels.js";
import { SeededRandom } from "./random.js";

/** One row of a split CSV (`image,labels`). */
export interface SplitRow {
  readonly image: string;
  /** The labels column as written: space-separated labels, or `healthy`. */
  readonly labels: string;
}

/** A split held in memory: every image resized to the model input, as 8-bit RGB, and its multi-hot labels. */
export interface ImageSet {
  readonly rows: readonly SplitRow[];
  readonly size: number;
  /** `count × size × size × 3` bytes, images in row order. */
  readonly pixels: Uint8Array;
  /** `count × LABELS.length`, 0 or 1, in {@link LABELS} order. */
  readonly targets: Float32Array;
}

/** Parses a split CSV: header `image,labels`, one image per line. */
export function parseSplitCsv(text: string, source = "split CSV"): SplitRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines[0]?.trim() !== "image,labels") {
    throw new Error(`${source}: expected the header "image,labels", got ${JSON.stringify(lines[0] ?? "")}`);
  }
  return lines.slice(1).map((line, i) => {
    const comma = line.indexOf(",");
    if (comma < 1) throw new Error(`${source}: line ${i + 2} is not "image,labels": ${JSON.stringify(line)}`);
    const row = { image: line.slice(0, comma).trim(), labels: line.slice(comma + 1).trim() };
    multiHot(row.labels); // throws on an unknown label
    return row;
  });
}

/** Reads `<folder>/<csvName>` and the images it lists from `<folder>/images/`. */
export async function loadSplit(
  folder: string,
  size: number,
  options: { csvName?: string; concurrency?: number } = {},
): Promise<ImageSet> {
  const csvPath = join(folder, options.csvName ?? "train.csv");
  const rows = parseSplitCsv(await readFile(csvPath, "utf8"), csvPath);
  return loadImages(
    rows.map((row) => ({ ...row, path: join(folder, "images", row.image) })),
    size,
    options.concurrency,
  );
}

/**
 * Decodes and resizes every image exactly as cnn-lens does at inference (`decodeImage`: upright, sRGB, bilinear
 * resize), a few at a time; the result is in row order whatever the order of completion.
 */
export async function loadImages(
  rows: readonly (SplitRow & { readonly path: string })[],
  size: number,
  concurrency = 2 * availableParallelism(),
): Promise<ImageSet> {
  const pixelsPerImage = size * size * 3;
  const pixels = new Uint8Array(rows.length * pixelsPerImage);
  const targets = new Float32Array(rows.length * LABELS.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const index = next++;
      const row = rows[index];
      const decoded = await decodeImage(await readFile(row.path), { width: size, height: size, channels: 3 });
      pixels.set(decoded.display.rgb, index * pixelsPerImage);
      targets.set(multiHot(row.labels), index * LABELS.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, rows.length)) }, worker));
  return { rows: rows.map(({ image, labels }) => ({ image, labels })), size, pixels, targets };
}

/** The training order of one epoch: a permutation of the set, the same for the same seed and epoch. */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  return new SeededRandom((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).permutation(count);
}

/** Splits an order into batches of `batchSize` (the last one may be smaller). */
export function batches(order: readonly number[], batchSize: number): number[][] {
  const result: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) result.push(order.slice(i, i + batchSize));
  return result;
}

/** A dihedral transform of a square image: `turns` quarter turns, then a horizontal mirror if `mirror`. */
export interface Dihedral {
  readonly turns: 0 | 1 | 2 | 3;
  readonly mirror: boolean;
}

/** How one training image is augmented: a dihedral transform, and optionally seeded Gaussian noise. */
export interface Augmentation extends Dihedral {
  /** Adds N(0, std²) noise to every model-input value, drawn from `seed`. */
  readonly noise?: { readonly seed: number; readonly std: number };
}

/**
 * The images at `indices` as a float32 batch `[n, size, size, 3]` scaled by {@link INPUT_SCALE} exactly as cnn-lens scales them (the model input), and their
 * targets `[n, labels]`. With `transforms`, image i is turned and mirrored by `transforms[i]` (augmentation:
 * the leaves lie in any orientation).
 */
export function batchTensors(
  set: ImageSet,
  indices: readonly number[],
  transforms?: readonly Augmentation[],
): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const { size } = set;
  const per = size * size * 3;
  const xs = new Float32Array(indices.length * per);
  const ys = new Float32Array(indices.length * LABELS.length);
  indices.forEach((index, i) => {
    const source = set.pixels.subarray(index * per, (index + 1) * per);
    const target = xs.subarray(i * per, (i + 1) * per);
    const transform = transforms?.[i];
    if (!transform || (transform.turns === 0 && !transform.mirror)) {
      for (let p = 0; p < per; p++) target[p] = source[p] * INPUT_SCALE;
    } else {
      transformInto(source, target, size, transform);
    }
    if (transform?.noise) addGaussianNoise(target, transform.noise.seed, transform.noise.std);
    ys.set(set.targets.subarray(index * LABELS.length, (index + 1) * LABELS.length), i * LABELS.length);
  });
  return {
    xs: tf.tensor4d(xs, [indices.length, size, size, 3]),
    ys: tf.tensor2d(ys, [indices.length, LABELS.length]),
  };
}

/** Writes `source` (RGB bytes) turned and mirrored into `target` (floats in 0..1). */
function transformInto(source: Uint8Array, target: Float32Array, size: number, t: Dihedral): void {
  const last = size - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // The source pixel that lands at (x, y): undo the mirror, then the turns.
      let sx = t.mirror ? last - x : x;
      let sy = y;
      for (let k = 0; k < t.turns; k++) [sx, sy] = [sy, last - sx];
      const from = (sy * size + sx) * 3;
      const to = (y * size + x) * 3;
      target[to] = source[from] * INPUT_SCALE;
      target[to + 1] = source[from + 1] * INPUT_SCALE;
      target[to + 2] = source[from + 2] * INPUT_SCALE;
    }
  }
}

/** A random dihedral transform per image, and seeded input noise of `noiseStd` when it is above 0. */
export function randomTransforms(count: number, random: SeededRandom, noiseStd = 0): Augmentation[] {
  return Array.from({ length: count }, () => ({
    turns: random.int(4) as Dihedral["turns"],
    mirror: random.next() < 0.5,
    ...(noiseStd > 0 ? { noise: { seed: random.uint32(), std: noiseStd } } : {}),
  }));
}

/** Adds seeded N(0, std²) noise to `values` in place (Box–Muller over a seeded uniform generator). */
function addGaussianNoise(values: Float32Array, seed: number, std: number): void {
  const random = new SeededRandom(seed);
  for (let i = 0; i < values.length; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(1 - random.next()));
    const angle = 2 * Math.PI * random.next();
    values[i] += radius * Math.cos(angle);
    if (i + 1 < values.length) values[i + 1] += radius * Math.sin(angle);
  }
}
