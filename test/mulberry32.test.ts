import { describe, expect, it } from "vitest";
import { mulberry32 } from "../shared/mulberry32.js";

/** The first draws of a generator, as the uint32 each one is (draw · 2^32). */
function firstDraws(seed: number, count: number): number[] {
  const next = mulberry32(seed);
  return Array.from({ length: count }, () => next() * 4294967296);
}

describe("mulberry32", () => {
  it("gives the reference sequence (seed 0 starts at 0.26642920868471265)", () => {
    expect(mulberry32(0)()).toBe(0.26642920868471265);
    expect(firstDraws(0, 3)).toEqual([1144304738, 1416247, 958946056]);
    expect(firstDraws(7, 3)).toEqual([50271532, 266108690, 4195786334]);
  });

  it("reads the seed as a uint32", () => {
    expect(firstDraws(-1, 3)).toEqual(firstDraws(4294967295, 3));
    expect(firstDraws(4294967296 + 7, 3)).toEqual(firstDraws(7, 3));
  });
});
