import { describe, expect, it } from "vitest";
import type { BaselineKind } from "../../shared/schema/explanation-vocabulary.js";
import { blurSigmaFor, gaussianBlur, makeBaseline, type PixelImage } from "../../shared/engine/baselines.js";

/** A 3-channel image whose pixels follow `value(x, y, c)`. */
function image(
  width: number,
  height: number,
  value: (x: number, y: number, c: number) => number,
): PixelImage {
  const pixels = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = value(x, y, c);
  return { pixels, shape: [height, width, 3] };
}

function variance(values: Float32Array): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
}

const checkerboard = image(32, 24, (x, y) => ((x + y) % 2) * 255);

describe("makeBaseline", () => {
  it("black is all zeros and white all 255, the shape of the image", () => {
    expect(makeBaseline("black", checkerboard).every((p) => p === 0)).toBe(true);
    expect(makeBaseline("white", checkerboard).every((p) => p === 255)).toBe(true);
    expect(makeBaseline("black", checkerboard)).toHaveLength(checkerboard.pixels.length);
  });

  it("uniform noise lies in 0..255 and repeats for a seed", () => {
    const noise = makeBaseline("uniform", checkerboard, { seed: 3 });
    expect(noise.every((p) => p >= 0 && p <= 255)).toBe(true);
    expect(makeBaseline("uniform", checkerboard, { seed: 3 })).toEqual(noise);
    expect(makeBaseline("uniform", checkerboard, { seed: 4 })).not.toEqual(noise);
  });

  it("blur uses σ = width / 16 by default, and the given σ otherwise", () => {
    expect(blurSigmaFor(checkerboard.shape)).toBe(2);
    expect(makeBaseline("blur", checkerboard)).toEqual(gaussianBlur(checkerboard, 2));
    expect(makeBaseline("blur", checkerboard, { blurSigma: 0.7 })).toEqual(gaussianBlur(checkerboard, 0.7));
  });

  it("names an unknown kind and the valid ones", () => {
    expect(() => makeBaseline("grey" as BaselineKind, checkerboard)).toThrow(
      /unknown baseline "grey"; use one of black, white, blur, uniform/,
    );
  });
});

describe("gaussianBlur", () => {
  it("keeps a constant image constant (the kernel sums to 1, edges are clamped)", () => {
    const flat = image(9, 7, (_x, _y, c) => 40 + c);
    const blurred = gaussianBlur(flat, 1.5);
    for (let i = 0; i < blurred.length; i++) expect(blurred[i]).toBeCloseTo(flat.pixels[i], 4);
  });

  it("smooths more as σ grows, and σ ≤ 0 returns a copy", () => {
    const stripes = image(64, 8, (x) => 128 + 100 * Math.sin(0.9 * x));
    const variances = [0.5, 1, 3].map((sigma) => variance(gaussianBlur(stripes, sigma)));
    expect(variances[0]).toBeLessThan(variance(stripes.pixels));
    expect(variances[1]).toBeLessThan(variances[0]);
    expect(variances[2]).toBeLessThan(variances[1]);
    const copy = gaussianBlur(checkerboard, 0);
    expect(copy).toEqual(checkerboard.pixels);
    expect(copy).not.toBe(checkerboard.pixels);
  });

  it("blurs each channel on its own", () => {
    const split = image(16, 16, (x, _y, c) => (c === 0 ? (x < 8 ? 0 : 255) : 100));
    const blurred = gaussianBlur(split, 2);
    for (let i = 0; i < blurred.length; i += 3) {
      expect(blurred[i + 1]).toBeCloseTo(100, 4);
      expect(blurred[i + 2]).toBeCloseTo(100, 4);
    }
  });
});
