import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { generateDataset, splitLabels } from "../dataset/generate.js";
import { parseCsv, type CsvRow } from "../dataset/labels.js";
import { maskFromGrey, type BinaryMask } from "./mask-metrics.js";

/**
 * The held-out images of the attribution evaluation: a split of the synthetic apple leaves (dataset/) drawn
 * with a seed that no training or validation split uses (training/train.ts uses 1001, 2002 and 3003), keeping
 * only the images that have lesions, each with its lesion masks and leaf mask.
 */

/** The default seed of the held-out split; none of the training, validation or test splits uses it. */
export const HELD_OUT_SEED = 90210;

/** The CSV name of a generated held-out split. */
export const HELD_OUT_SPLIT = "heldout";

/** One held-out image and its ground truth, at the image's own size. */
export interface HeldOutSample {
  /** The image file name, e.g. `1a2b3c4d-00017.jpg`. */
  readonly image: string;
  readonly bytes: Uint8Array;
  /** Its labels (`complex` included), never empty. */
  readonly labels: readonly string[];
  /** Lesion mask per label; `complex` is the union of the image's diseases. */
  readonly lesions: ReadonlyMap<string, BinaryMask>;
  readonly leaf: BinaryMask;
}

/** The smallest split size whose label mix gives at least `diseased` images with lesions. */
export function splitSizeFor(seed: number, diseased: number): number {
  if (!(Number.isInteger(diseased) && diseased >= 0))
    throw new RangeError(`count must be a whole number ≥ 0, got ${diseased}`);
  for (let size = diseased; ; size++) {
    if (splitLabels(seed, size).filter((labels) => labels.length > 0).length >= diseased) return size;
  }
}

/**
 * Generates a held-out split into `dir` (as `heldout.csv`) with at least `count` images with lesions, and
 * returns the rows of the first `count` of them.
 */
export async function generateHeldOut(options: {
  readonly dir: string;
  readonly count: number;
  readonly seed: number;
  readonly size?: number;
  readonly onProgress?: (done: number, total: number) => void;
}): Promise<CsvRow[]> {
  const { rows } = await generateDataset({
    out: options.dir,
    count: splitSizeFor(options.seed, options.count),
    seed: options.seed,
    size: options.size ?? 256,
    splitName: HELD_OUT_SPLIT,
    onProgress: options.onProgress,
  });
  return withLesions(rows).slice(0, options.count);
}

/** The rows of an existing split (`<dir>/<csv>`) that have lesions, the first `count` of them if given. */
export async function readHeldOut(dir: string, csv: string, count?: number): Promise<CsvRow[]> {
  const rows = withLesions(parseCsv(await readFile(join(dir, csv), "utf8")));
  return count === undefined ? rows : rows.slice(0, count);
}

/** Reads one image of a split in `dir` with its lesion masks (for the labels that have one) and leaf mask. */
export async function loadSample(dir: string, row: CsvRow): Promise<HeldOutSample> {
  const id = row.image.replace(/\.[^.]+$/, "");
  const lesions = new Map<string, BinaryMask>();
  for (const label of row.labels) {
    const path = join(dir, "masks", id, `${label}.png`);
    if (await exists(path)) lesions.set(label, await readMask(path));
  }
  return {
    image: row.image,
    bytes: await readFile(join(dir, "images", row.image)),
    labels: [...row.labels],
    lesions,
    leaf: await readMask(join(dir, "leaf-masks", `${id}.png`)),
  };
}

/** A grey PNG as a mask: inside where the value is at least 128. */
export async function readMask(path: string): Promise<BinaryMask> {
  const { data, info } = await sharp(await readFile(path))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return maskFromGrey(data, info.width, info.height);
}

function withLesions(rows: readonly CsvRow[]): CsvRow[] {
  return rows.filter((row) => row.labels.length > 0);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
