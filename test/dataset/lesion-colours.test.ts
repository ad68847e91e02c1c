import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { Label } from "../../dataset/labels.js";
import type { Disease } from "../../dataset/lesions.js";
import { renderSample } from "../../dataset/render-sample.js";

const SIZE = 192;

interface Colour {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/** Chroma relative to the brightest channel: 0 for grey or white, 1 for a pure hue. */
const saturation = (c: Colour) =>
  (Math.max(c.r, c.g, c.b) - Math.min(c.r, c.g, c.b)) / Math.max(c.r, c.g, c.b);

function mean(rgb: Uint8Array, where: (i: number) => boolean): Colour {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let i = 0; i < rgb.length / 3; i++) {
    if (!where(i)) continue;
    r += rgb[i * 3];
    g += rgb[i * 3 + 1];
    b += rgb[i * 3 + 2];
    n++;
  }
  return { r: r / n, g: g / n, b: b / n };
}

/** Median luma (Rec. 601), which a glare or droplet over part of a region does not drag along. */
function medianLuma(rgb: Uint8Array, where: (i: number) => boolean): number {
  const values: number[] = [];
  for (let i = 0; i < rgb.length / 3; i++) {
    if (where(i)) values.push(0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2]);
  }
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

/** Colour inside the disease's mask, and of the leaf well away from any lesion. */
async function lesionAndLeaf(disease: Disease, index: number) {
  const labels: Label[] = [disease];
  const sample = await renderSample({ seed: 99, index, labels, size: SIZE });
  const rgb = await sharp(sample.jpeg).raw().toBuffer();
  const mask = sample.masks.get(disease);
  if (!mask) throw new Error(`no ${disease} mask`);
  const near = await sharp(mask, { raw: { width: SIZE, height: SIZE, channels: 1 } })
    .blur(4)
    .extractChannel(0)
    .raw()
    .toBuffer();
  const inLesion = (i: number) => mask[i] === 255;
  const inLeaf = (i: number) => sample.leafMask[i] === 255 && near[i] === 0;
  return {
    lesion: mean(rgb, inLesion),
    leaf: mean(rgb, inLeaf),
    lesionLuma: medianLuma(rgb, inLesion),
    leafLuma: medianLuma(rgb, inLeaf),
  };
}

const INDEXES = [0, 1, 2, 3, 4];

describe("lesion colours", () => {
  it("rust is orange: red over green over blue, far more saturated than the leaf", async () => {
    for (const index of INDEXES) {
      const { lesion, leaf } = await lesionAndLeaf("rust", index);
      expect(lesion.r, `image ${index}`).toBeGreaterThan(lesion.g);
      expect(lesion.g, `image ${index}`).toBeGreaterThan(lesion.b);
      expect(lesion.r - lesion.b, `image ${index}`).toBeGreaterThan(80);
      expect(lesion.r, `image ${index}`).toBeGreaterThan(leaf.r + 40);
    }
  });

  it("powdery mildew is whiter than the leaf around it: brighter and less saturated", async () => {
    for (const index of INDEXES) {
      const { lesion, leaf, lesionLuma, leafLuma } = await lesionAndLeaf("powdery_mildew", index);
      expect(lesionLuma, `image ${index}`).toBeGreaterThan(leafLuma + 30);
      expect(saturation(lesion), `image ${index}`).toBeLessThan(saturation(leaf));
    }
  });

  it("scab is dark olive-brown: darker than the leaf, and red no longer trails green by much", async () => {
    for (const index of INDEXES) {
      const { lesion, leaf, lesionLuma, leafLuma } = await lesionAndLeaf("scab", index);
      expect(lesionLuma, `image ${index}`).toBeLessThan(leafLuma - 15);
      expect(lesion.r / lesion.g, `image ${index}`).toBeGreaterThan(leaf.r / leaf.g);
    }
  });

  it("frog-eye spots are tan and purple, not green: red at least matches green", async () => {
    for (const index of INDEXES) {
      const { lesion, leaf } = await lesionAndLeaf("frog_eye_leaf_spot", index);
      expect(lesion.r, `image ${index}`).toBeGreaterThanOrEqual(lesion.g);
      expect(leaf.g, `image ${index}`).toBeGreaterThan(leaf.r - 10);
      expect(lesion.b / lesion.g, `image ${index}`).toBeGreaterThan(leaf.b / leaf.g);
    }
  });
});
