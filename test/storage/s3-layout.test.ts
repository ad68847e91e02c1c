import { describe, expect, it } from "vitest";
import { BadInputError } from "../../shared/errors.js";
import {
  MAX_S3_KEY_BYTES,
  MAX_UPLOAD_KEY_BYTES,
  resultsPrefixFor,
  summaryKeyFor,
  unsafeUploadKeyReason,
} from "../../shared/storage/s3-layout.js";

describe("unsafe upload keys", () => {
  it.each([
    ["uploads/../../../../home/u/x.jpg", /'\.' or '\.\.' segment/],
    ["uploads/a/../x.jpg", /'\.' or '\.\.' segment/],
    ["uploads/./x.jpg", /'\.' or '\.\.' segment/],
    ["uploads/a//x.jpg", /empty path segment/],
    ["uploads//x.jpg", /empty path segment/],
    ["uploads/a\\..\\..\\x.jpg", /backslash/],
  ])("%s is bad input naming the key and why", (key, why) => {
    expect(unsafeUploadKeyReason(key)).toMatch(why);
    expect(() => resultsPrefixFor(key)).toThrow(BadInputError);
    expect(() => summaryKeyFor(key)).toThrow(JSON.stringify(key));
    expect(() => resultsPrefixFor(key)).toThrow(why);
  });

  it.each([
    "uploads/a/b c.png",
    "uploads/..x.png",
    "uploads/a.b/x..png",
    "uploads/dir with space/leaf +plus é.png",
  ])("%s is safe", (key) => {
    expect(unsafeUploadKeyReason(key)).toBeUndefined();
    expect(resultsPrefixFor(key)).toBe(`results/${key.slice("uploads/".length)}/`);
  });
});

describe("upload keys too long for their results keys", () => {
  const keyOf = (bytes: number, filler = "x") =>
    `uploads/${filler.repeat((bytes - "uploads/".length - ".png".length) / Buffer.byteLength(filler))}.png`;

  it(`leaves ${MAX_S3_KEY_BYTES - MAX_UPLOAD_KEY_BYTES - 1} bytes under S3's limit for the paths under results/<key>/`, () => {
    const longest = keyOf(MAX_UPLOAD_KEY_BYTES);
    expect(unsafeUploadKeyReason(longest)).toBeUndefined();
    expect(Buffer.byteLength(`${resultsPrefixFor(longest)}activations/00-${"l".repeat(109)}.png`)).toBe(1024);
  });

  it.each([
    [MAX_UPLOAD_KEY_BYTES + 1, "x"],
    [MAX_UPLOAD_KEY_BYTES + 1, "é"],
    [1024, "x"],
  ])("a key of %i bytes (of %s) is bad input naming its length and the limit", (bytes, filler) => {
    const key = keyOf(bytes, filler);
    expect(Buffer.byteLength(key)).toBe(bytes);
    expect(unsafeUploadKeyReason(key)).toMatch(
      new RegExp(`it is ${bytes} bytes long, over the ${MAX_UPLOAD_KEY_BYTES} bytes .* 1024-byte key limit`),
    );
    expect(() => summaryKeyFor(key)).toThrow(BadInputError);
    expect(() => summaryKeyFor(key)).toThrow(
      `rename the upload to a key of at most ${MAX_UPLOAD_KEY_BYTES} bytes`,
    );
  });
});
