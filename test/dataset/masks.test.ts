import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DESIGN_SIZE, polygonPath } from "../../dataset/geometry.js";
import { createLeafShape } from "../../dataset/leaf-shape.js";
import { encodeGreyPng } from "../../dataset/png.js";
import { Random } from "../../dataset/random.js";
import { intersectMask, rasterizePolygons, unionMasks } from "../../dataset/rasterize.js";

/** librsvg's rendering of a white path on black, thresholded at half coverage. */
async function librsvgMask(d: string, size: number): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${DESIGN_SIZE} ${DESIGN_SIZE}"><rect width="${DESIGN_SIZE}" height="${DESIGN_SIZE}"/><path d="${d}" fill="#fff"/></svg>`;
  const grey = await sharp(Buffer.from(svg)).extractChannel(0).raw().toBuffer();
  return grey.map((v) => (v >= 128 ? 255 : 0));
}

describe("rasterizePolygons", () => {
  it("matches librsvg's anti-aliased leaf thresholded at 128", async () => {
    for (const seed of [1, 2, 3]) {
      const leaf = createLeafShape(new Random(seed));
      for (const size of [128, 256]) {
        const ours = rasterizePolygons([leaf.outline], size, size, size / DESIGN_SIZE);
        const theirs = await librsvgMask(polygonPath(leaf.outline), size);
        let both = 0;
        let either = 0;
        for (let i = 0; i < ours.length; i++) {
          if (ours[i] && theirs[i]) both++;
          if (ours[i] || theirs[i]) either++;
        }
        expect(both / either).toBeGreaterThan(0.98);
      }
    }
  });

  it("fills a square exactly, clipped to the frame", () => {
    const mask = rasterizePolygons(
      [
        [
          { x: -2, y: 1 },
          { x: 3, y: 1 },
          { x: 3, y: 3 },
          { x: -2, y: 3 },
        ],
      ],
      4,
      4,
      1,
    );
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 255, 255, 255, 0, 255, 255, 255, 0, 0, 0, 0, 0]);
  });

  it("intersects and unites", () => {
    const a = Uint8Array.from([255, 255, 0, 0]);
    const b = Uint8Array.from([255, 0, 255, 0]);
    expect(Array.from(unionMasks([a, b], 4))).toEqual([255, 255, 255, 0]);
    expect(Array.from(intersectMask(Uint8Array.from(a), b))).toEqual([255, 0, 0, 0]);
  });
});

describe("encodeGreyPng", () => {
  it("writes an 8-bit one-channel PNG that decodes to the same pixels", async () => {
    const pixels = Uint8Array.from({ length: 37 * 23 }, (_, i) => (i * 7) % 256);
    const png = encodeGreyPng(pixels, 37, 23);
    expect(await sharp(png).metadata()).toMatchObject({
      format: "png",
      width: 37,
      height: 23,
      channels: 1,
      depth: "uchar",
      space: "b-w",
    });
    const data = await sharp(png).extractChannel(0).raw().toBuffer();
    expect(Array.from(data)).toEqual(Array.from(pixels));
  });
});
