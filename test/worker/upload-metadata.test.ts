import { describe, expect, it } from "vitest";
import { MAX_TARGETS, MAX_TARGET_LENGTH, uploadMetadata } from "../../functions/worker/upload-metadata.js";
import { BadInputError } from "../../shared/errors.js";

describe("uploadMetadata", () => {
  it("reads labels, targets (comma- or space-separated, each once) and the model", () => {
    expect(uploadMetadata({ labels: "scab, rust", targets: "rust rust,scab", model: " other " })).toEqual({
      labels: ["scab", "rust"],
      targets: ["rust", "scab"],
      model: "other",
    });
    expect(uploadMetadata({ targets: " , " })).toEqual({});
  });

  it(`takes up to ${MAX_TARGETS} distinct targets; more is bad input naming the count and the limit`, () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `label${i}`).join(",");
    expect(uploadMetadata({ targets: names(MAX_TARGETS) }).targets).toHaveLength(MAX_TARGETS);
    expect(uploadMetadata({ targets: Array(500).fill("rust").join(",") }).targets).toEqual(["rust"]);
    const tooMany = () => uploadMetadata({ targets: names(MAX_TARGETS + 1) });
    expect(tooMany).toThrow(BadInputError);
    expect(tooMany).toThrow(`x-amz-meta-targets names 33 labels, over the limit of 32 per image`);
  });

  it(`refuses a target over ${MAX_TARGET_LENGTH} characters as bad input, without echoing all of it`, () => {
    const long = "x".repeat(1500);
    const read = () => uploadMetadata({ targets: `rust,${long}` });
    expect(read).toThrow(BadInputError);
    expect(read).toThrow(/is 1500 characters, over the limit of 128/);
    try {
      read();
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(300);
    }
    expect(uploadMetadata({ targets: "y".repeat(MAX_TARGET_LENGTH) }).targets).toEqual([
      "y".repeat(MAX_TARGET_LENGTH),
    ]);
  });
});
