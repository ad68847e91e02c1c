import { describe, expect, it } from "vitest";
import { decodeS3Key, parseS3Events } from "../../shared/storage/s3-event.js";
import {
  keyMarkerFor,
  resultsPrefixFor,
  summaryKeyFor,
  uploadKeyForSummary,
} from "../../shared/storage/s3-layout.js";

const notification = (key: string, eventName = "ObjectCreated:Put") =>
  JSON.stringify({
    Records: [
      { eventName, s3: { bucket: { name: "b" }, object: { key, eTag: "abc", size: 10, sequencer: "01" } } },
    ],
  });

describe("parseS3Events", () => {
  it("decodes keys: + is a space, and percent-escapes are unicode", () => {
    const [event] = parseS3Events(notification("uploads/leaf+one%2Bx%C3%A9.png"));
    expect(event).toEqual({
      eventName: "ObjectCreated:Put",
      bucket: "b",
      key: "uploads/leaf one+xé.png",
      etag: "abc",
      size: 10,
      sequencer: "01",
    });
    expect(decodeS3Key("a%20b+c")).toBe("a b c");
  });

  it("skips S3's test event and events that are not object creation", () => {
    expect(parseS3Events(JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent" }))).toEqual([]);
    expect(parseS3Events(notification("uploads/x.png", "ObjectRemoved:Delete"))).toEqual([]);
  });

  it("names a body that is not JSON", () => {
    expect(() => parseS3Events("hello")).toThrow(/not JSON: hello/);
  });
});

describe("s3 layout", () => {
  it("maps an upload to its results and back", () => {
    expect(resultsPrefixFor("uploads/a/b c.png")).toBe("results/a/b c.png/");
    expect(summaryKeyFor("uploads/a/b c.png")).toBe("results/a/b c.png/summary.json");
    expect(uploadKeyForSummary("results/a/b c.png/summary.json")).toBe("uploads/a/b c.png");
    expect(uploadKeyForSummary("results/a/b c.png/ig/rust/mask.png")).toBeUndefined();
    expect(() => resultsPrefixFor("other/x.png")).toThrow(/not under uploads\//);
    expect(keyMarkerFor("uploads/x.png")).toMatch(/^index\/keys\/[0-9a-f]{64}\.json$/);
  });
});
