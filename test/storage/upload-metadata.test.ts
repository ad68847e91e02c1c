import { describe, expect, it } from "vitest";
import {
  decodeUploadMetadata,
  encodeUploadMetadata,
  MAX_TARGET_LENGTH,
  MAX_TARGETS,
} from "../../shared/storage/upload-metadata.js";
import { BadInputError } from "../../shared/errors.js";

describe("decodeUploadMetadata", () => {
  it("reads labels, targets (comma- or space-separated, each once) and the model", () => {
    expect(
      decodeUploadMetadata({ labels: "scab, rust", targets: "rust rust,scab", model: " other " }),
    ).toEqual({
      labels: ["scab", "rust"],
      targets: ["rust", "scab"],
      model: "other",
    });
    expect(decodeUploadMetadata({ targets: " , " })).toEqual({});
  });

  it(`takes up to ${MAX_TARGETS} distinct targets; more is bad input naming the count and the limit`, () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `label${i}`).join(",");
    expect(decodeUploadMetadata({ targets: names(MAX_TARGETS) }).targets).toHaveLength(MAX_TARGETS);
    expect(decodeUploadMetadata({ targets: Array(500).fill("rust").join(",") }).targets).toEqual(["rust"]);
    const tooMany = () => decodeUploadMetadata({ targets: names(MAX_TARGETS + 1) });
    expect(tooMany).toThrow(BadInputError);
    expect(tooMany).toThrow(`x-amz-meta-targets names 33 labels, over the limit of 32 per image`);
  });

  it(`refuses a target over ${MAX_TARGET_LENGTH} characters as bad input, without echoing all of it`, () => {
    const long = "x".repeat(1500);
    const read = () => decodeUploadMetadata({ targets: `rust,${long}` });
    expect(read).toThrow(BadInputError);
    expect(read).toThrow(/is 1500 characters, over the limit of 128/);
    try {
      read();
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(300);
    }
    expect(decodeUploadMetadata({ targets: "y".repeat(MAX_TARGET_LENGTH) }).targets).toEqual([
      "y".repeat(MAX_TARGET_LENGTH),
    ]);
  });
});

describe("encodeUploadMetadata", () => {
  it("writes what decodeUploadMetadata reads back, and nothing for what is not said", () => {
    const upload = { labels: ["scab", "frog_eye_leaf_spot"], targets: ["rust", "complex"], model: "leaf-v2" };
    const metadata = encodeUploadMetadata(upload);
    expect(metadata).toEqual({
      labels: "scab frog_eye_leaf_spot",
      targets: "rust,complex",
      model: "leaf-v2",
    });
    expect(decodeUploadMetadata(metadata)).toEqual(upload);
    expect(encodeUploadMetadata({})).toEqual({});
    expect(encodeUploadMetadata({ labels: [], targets: [] })).toEqual({});
  });
});
