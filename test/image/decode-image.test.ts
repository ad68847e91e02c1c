import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { BadInputError } from "../../shared/errors.js";
import { decodeImage } from "../../shared/image/decode-image.js";
import { BAD_IMAGE_NAMES, badImages } from "../fixtures/bad-images.js";

const rgbModel = { width: 8, height: 8, channels: 3 } as const;

/** An image whose left half is red and right half blue. */
function halves(width: number, height: number): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgb[(y * width + x) * 3 + (x < width / 2 ? 0 : 2)] = 255;
  }
  return rgb;
}
const raw = (width: number, height: number) =>
  sharp(halves(width, height), { raw: { width, height, channels: 3 } });
const pixel = (pixels: Float32Array, x: number, y: number, width = 8) =>
  Array.from(pixels.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)).map(Math.round);

describe("decodeImage", () => {
  it("resizes to the model input and keeps the layout", async () => {
    const image = await decodeImage(await raw(40, 20).png().toBuffer(), rgbModel);
    expect(image.source).toEqual({ format: "png", width: 40, height: 20 });
    expect(image.shape).toEqual([8, 8, 3]);
    expect(pixel(image.pixels, 0, 4)).toEqual([255, 0, 0]);
    expect(pixel(image.pixels, 7, 4)).toEqual([0, 0, 255]);
  });

  it("turns an EXIF-rotated photo upright", async () => {
    const bytes = await raw(40, 20).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const image = await decodeImage(bytes, rgbModel);
    expect(image.source).toMatchObject({ width: 20, height: 40 });
    expect(pixel(image.pixels, 4, 0)[0]).toBeGreaterThan(200);
    expect(pixel(image.pixels, 4, 7)[2]).toBeGreaterThan(200);
  });

  it("reads 16-bit, greyscale, alpha and CMYK images as 8-bit sRGB", async () => {
    const sixteenBit = await raw(16, 16).toColourspace("rgb16").png().toBuffer();
    expect((await sharp(sixteenBit).metadata()).depth).toBe("ushort");
    expect(pixel((await decodeImage(sixteenBit, rgbModel)).pixels, 0, 0)).toEqual([255, 0, 0]);

    const grey = await raw(16, 16).greyscale().png().toBuffer();
    const greyPixel = pixel((await decodeImage(grey, rgbModel)).pixels, 0, 0);
    expect(greyPixel[0]).toBe(greyPixel[1]);
    expect(greyPixel[1]).toBe(greyPixel[2]);

    const alpha = await raw(16, 16).ensureAlpha(0.3).png().toBuffer();
    expect(pixel((await decodeImage(alpha, rgbModel)).pixels, 0, 0)).toEqual([255, 0, 0]);

    const cmyk = await raw(16, 16).toColourspace("cmyk").jpeg({ quality: 100 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe("cmyk");
    const [red, green, blue] = pixel((await decodeImage(cmyk, rgbModel)).pixels, 0, 0);
    expect(red).toBeGreaterThan(200);
    expect(Math.max(green, blue)).toBeLessThan(80);
  });

  it("gives a greyscale model one luma channel", async () => {
    const image = await decodeImage(await raw(16, 16).png().toBuffer(), { width: 4, height: 4, channels: 1 });
    expect(image.shape).toEqual([4, 4, 1]);
    expect(image.pixels.length).toBe(16);
    expect(Math.round(image.pixels[0])).toBe(76);
    expect(image.display.rgb.length).toBe(48);
  });

  it.each(BAD_IMAGE_NAMES)("refuses %s with the reason", async (name) => {
    const { bytes, reason } = (await badImages())[name];
    const attempt = decodeImage(bytes, rgbModel);
    await expect(attempt).rejects.toBeInstanceOf(BadInputError);
    await expect(attempt).rejects.toThrow(reason);
  });
});
