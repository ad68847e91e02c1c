import { describe, expect, it } from "vitest";
import { BadInputError } from "../../shared/errors.js";
import { resultsPrefixFor, summaryKeyFor, unsafeUploadKeyReason } from "../../shared/storage/s3-layout.js";

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
