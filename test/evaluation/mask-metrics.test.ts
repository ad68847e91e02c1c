import { describe, expect, it } from "vitest";
import {
  areaShare,
  averageRanks,
  dilate,
  intersect,
  maskArea,
  maskFromGrey,
  massShare,
  peakIndex,
  pointingHit,
  resizeNearest,
  spearman,
  type BinaryMask,
} from "../../evaluation/mask-metrics.js";

/** A mask from rows of 0/1 digits, e.g. ["010", "111"]. */
function mask(rows: readonly string[]): BinaryMask {
  return {
    width: rows[0].length,
    height: rows.length,
    data: Uint8Array.from(rows.join(""), (c) => Number(c)),
  };
}

function rows(m: BinaryMask): string[] {
  return Array.from({ length: m.height }, (_, y) =>
    Array.from(m.data.subarray(y * m.width, (y + 1) * m.width)).join(""),
  );
}

function point(width: number, height: number, x: number, y: number): BinaryMask {
  const data = new Uint8Array(width * height);
  data[y * width + x] = 1;
  return { width, height, data };
}

describe("maskFromGrey", () => {
  it("is inside from the threshold up", () => {
    expect(Array.from(maskFromGrey([0, 127, 128, 255], 2, 2).data)).toEqual([0, 0, 1, 1]);
    expect(() => maskFromGrey([0, 1, 2], 2, 2)).toThrow(/4 grey values/);
  });
});

describe("resizeNearest", () => {
  it("halving reads the odd rows and columns (pixel centres)", () => {
    const source = mask(["0000", "0101", "0000", "0001"]);
    expect(rows(resizeNearest(source, 2, 2))).toEqual(["11", "01"]);
  });

  it("doubling repeats each pixel into a 2×2 block", () => {
    expect(rows(resizeNearest(mask(["10", "01"]), 4, 4))).toEqual(["1100", "1100", "0011", "0011"]);
  });

  it("handles non-square and non-integer factors", () => {
    const resized = resizeNearest(mask(["100", "001"]), 6, 1);
    expect(rows(resized)).toEqual(["000011"]);
  });
});

describe("dilate", () => {
  it("grows a pixel into a Euclidean disc: 5 pixels at radius 1, 13 at radius 2", () => {
    expect(rows(dilate(point(5, 5, 2, 2), 1))).toEqual(["00000", "00100", "01110", "00100", "00000"]);
    const two = dilate(point(7, 7, 3, 3), 2);
    expect(maskArea(two)).toBe(13);
    expect(rows(two)).toEqual(["0000000", "0001000", "0011100", "0111110", "0011100", "0001000", "0000000"]);
  });

  it("is clipped at the border and copies at radius 0", () => {
    expect(rows(dilate(point(3, 3, 0, 0), 1))).toEqual(["110", "100", "000"]);
    const source = mask(["010", "000"]);
    const copy = dilate(source, 0);
    expect(rows(copy)).toEqual(rows(source));
    expect(copy.data).not.toBe(source.data);
  });

  it("merges nearby regions and refuses a bad radius", () => {
    expect(rows(dilate(mask(["10001"]), 2))).toEqual(["11111"]);
    expect(() => dilate(mask(["1"]), 1.5)).toThrow(RangeError);
  });
});

describe("mass share and area share", () => {
  it("is the share of the map inside the mask", () => {
    expect(massShare([1, 2, 3, 4], mask(["01", "01"]))).toBeCloseTo(6 / 10, 12);
    expect(massShare([1, 2, 3, 4], mask(["11", "11"]))).toBe(1);
    expect(massShare([1, 2, 3, 4], mask(["00", "00"]))).toBe(0);
  });

  it("a map with no mass puts none inside", () => {
    expect(massShare([0, 0, 0, 0], mask(["11", "11"]))).toBe(0);
  });

  it("area share counts the mask only on the leaf", () => {
    const leaf = mask(["0110", "0110"]);
    const lesion = mask(["0011", "0000"]);
    expect(maskArea(intersect(lesion, leaf))).toBe(1);
    expect(areaShare(lesion, leaf)).toBe(1 / 4);
    expect(areaShare(lesion, mask(["0000", "0000"]))).toBe(0);
  });

  it("a map spread evenly over the leaf gets exactly the area share", () => {
    const leaf = mask(["0111", "0111", "0000"]);
    const lesion = mask(["0100", "0110", "1000"]);
    const even = Array.from(leaf.data, Number);
    expect(massShare(even, intersect(lesion, leaf))).toBeCloseTo(areaShare(lesion, leaf), 12);
  });

  it("checks sizes", () => {
    expect(() => massShare([1, 2, 3], mask(["11", "11"]))).toThrow(RangeError);
    expect(() => intersect(mask(["1"]), mask(["11"]))).toThrow(RangeError);
  });
});

describe("pointing game", () => {
  it("hits when the peak is inside", () => {
    expect(pointingHit([0.1, 0.9, 0.2, 0.3], mask(["01", "00"]))).toBe(true);
    expect(pointingHit([0.1, 0.9, 0.2, 0.3], mask(["10", "11"]))).toBe(false);
  });

  it("takes the first peak on ties, and a map with nothing positive points nowhere", () => {
    expect(peakIndex([0, 1, 1, 0])).toBe(1);
    expect(pointingHit([0, 1, 1, 0], mask(["00", "10"]))).toBe(false);
    expect(pointingHit([0, 1, 1, 0], mask(["01", "00"]))).toBe(true);
    expect(peakIndex([0, 0, 0, 0])).toBe(-1);
    expect(pointingHit([0, 0, 0, 0], mask(["11", "11"]))).toBe(false);
  });
});

describe("spearman", () => {
  it("averages the ranks of ties", () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(Array.from(averageRanks([7, 7, 7]))).toEqual([2, 2, 2]);
  });

  it("is 1 for any increasing relation and −1 for a decreasing one", () => {
    const x = [0.5, 3, 1, 8, 2, 13];
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v)),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      spearman(
        x,
        x.map((v) => -(v ** 3)),
      ),
    ).toBeCloseTo(-1, 12);
  });

  it("handles ties exactly (worked by hand)", () => {
    // ranks [1, 2.5, 2.5, 4] against [1, 2, 3, 4]: 4.5 / √(4.5 · 5)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    // ranks [1.5, 1.5, 3.5, 3.5, 5] against [5, 3.5, 3.5, 1.5, 1.5]: −7.25 / 9
    expect(spearman([0, 0, 1, 1, 2], [3, 1, 1, 0, 0])).toBeCloseTo(-7.25 / 9, 12);
  });

  it("is symmetric, and NaN when a side is constant or too short", () => {
    const a = [3, 1, 4, 1, 5, 9, 2, 6];
    const b = [2, 7, 1, 8, 2, 8, 1, 8];
    expect(spearman(a, b)).toBeCloseTo(spearman(b, a), 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([1], [2])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(RangeError);
  });
});
