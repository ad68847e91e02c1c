import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hashSeed } from "./random.js";
import type { Label } from "./labels.js";
import { encodeMask, renderSample } from "./render-sample.js";

/** One image to render and write; plain data, so it can be posted to a worker thread. */
export interface SampleJob {
  readonly out: string;
  readonly seed: number;
  readonly index: number;
  readonly labels: readonly Label[];
  readonly size: number;
  readonly quality: number;
}

/** The id prefix of a seed: eight hex digits, so splits made with different seeds can share a directory. */
export function idPrefix(seed: number): string {
  return hashSeed(seed, "id").toString(16).padStart(8, "0");
}

/** The id of image `index` of the split made with `seed`, e.g. `3fa2c1d0-00017`. */
export function sampleId(seed: number, index: number): string {
  return `${idPrefix(seed)}-${String(index).padStart(5, "0")}`;
}

/**
 * Renders one image and writes `images/<id>.jpg`, `leaf-masks/<id>.png` and `masks/<id>/<label>.png` for each
 * label present (the three directories must exist), first removing any masks an earlier run left for the id.
 * Returns the image's file name.
 */
export async function writeSample(job: SampleJob): Promise<string> {
  const { out, seed, index, labels, size, quality } = job;
  const id = sampleId(seed, index);
  const sample = await renderSample({ seed, index, labels, size }, quality);
  const maskDir = join(out, "masks", id);
  await rm(maskDir, { recursive: true, force: true });
  const writes = [
    writeFile(join(out, "images", `${id}.jpg`), sample.jpeg),
    writeFile(join(out, "leaf-masks", `${id}.png`), encodeMask(sample.leafMask, size)),
  ];
  if (sample.masks.size > 0) {
    await mkdir(maskDir, { recursive: true });
    for (const [label, mask] of sample.masks) {
      writes.push(writeFile(join(maskDir, `${label}.png`), encodeMask(mask, size)));
    }
  }
  await Promise.all(writes);
  return `${id}.jpg`;
}
