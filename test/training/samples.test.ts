import { describe, expect, it } from "vitest";
import { chooseSamples, sampleKind } from "../../training/samples.js";

describe("sample choice", () => {
  it("classifies label sets into kinds", () => {
    expect(sampleKind("healthy")).toBe("healthy");
    expect(sampleKind("rust")).toBe("rust");
    expect(sampleKind("scab rust complex")).toBe("complex");
    expect(sampleKind("scab rust")).toBeUndefined();
  });

  it("takes the first right answers of each kind, then wrong ones when a kind has too few", () => {
    const chosen = chooseSamples(
      [
        { image: "a.jpg", labels: "rust", predicted: "healthy" },
        { image: "b.jpg", labels: "rust", predicted: "rust" },
        { image: "c.jpg", labels: "rust", predicted: "rust" },
        { image: "d.jpg", labels: "rust", predicted: "rust" },
        { image: "e.jpg", labels: "healthy", predicted: "scab" },
        {
          image: "f.jpg",
          labels: "scab frog_eye_leaf_spot complex",
          predicted: "scab frog_eye_leaf_spot complex",
        },
      ],
      2,
    );
    expect(chosen.map((c) => [c.file, c.image])).toEqual([
      ["rust-1.jpg", "b.jpg"],
      ["rust-2.jpg", "c.jpg"],
      ["complex-1.jpg", "f.jpg"],
      ["healthy-1.jpg", "e.jpg"],
    ]);
  });
});
