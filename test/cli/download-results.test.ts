import { mkdtemp, readFile, readdir, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { copyResults, downloadResults } from "../../cli/download-results.js";

const T0 = new Date("2026-03-01T12:00:00Z");

/** A bucket in memory that answers ListObjectsV2 and GetObject, and counts the GETs. */
function fakeS3(objects: Record<string, string>, lastModified = T0) {
  const gets: string[] = [];
  const s3 = {
    send: (command: unknown) => {
      if (command instanceof ListObjectsV2Command) {
        const prefix = command.input.Prefix ?? "";
        const Contents = Object.entries(objects)
          .filter(([key]) => key.startsWith(prefix))
          .map(([Key, body]) => ({ Key, Size: Buffer.byteLength(body), LastModified: lastModified }));
        return Promise.resolve({ Contents });
      }
      if (command instanceof GetObjectCommand) {
        const key = command.input.Key ?? "";
        gets.push(key);
        const bytes = new TextEncoder().encode(objects[key]);
        return Promise.resolve({ ETag: '"e"', Body: { transformToByteArray: () => Promise.resolve(bytes) } });
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  } as unknown as S3Client;
  return { s3, gets };
}

const out = () => mkdtemp(join(tmpdir(), "cnn-lens-download-"));

describe("downloadResults", () => {
  // The escapes land inside a fresh temporary folder, so that even a broken build writes nowhere else.
  it("refuses an object key whose path climbs out of --out, naming the key, and writes nothing", async () => {
    const sandbox = await out();
    const root = join(sandbox, "out");
    const evil = "results/a.png/../../escaped.txt";
    const { s3, gets } = fakeS3({ "results/a.png/summary.json": "{}", [evil]: "x" });
    await expect(downloadResults(s3, "b", "uploads/a.png", root)).rejects.toThrow(
      `refusing to copy s3 key ${JSON.stringify(evil)}: it would be written to ${join(sandbox, "escaped.txt")}, outside ${root}`,
    );
    expect(gets).not.toContain(evil);
    expect(await readdir(sandbox)).not.toContain("escaped.txt");
  });

  it("refuses an upload key with '..' segments before listing anything", async () => {
    const sandbox = await out();
    const { s3, gets } = fakeS3({ "results/../../x.jpg/summary.json": "{}" });
    await expect(downloadResults(s3, "b", "uploads/../../x.jpg", join(sandbox, "a", "out"))).rejects.toThrow(
      /"uploads\/\.\.\/\.\.\/x\.jpg" is unsafe/,
    );
    expect(gets).toEqual([]);
    expect(await readdir(sandbox)).toEqual([]);
  });

  it("copies into <out>/<key>/ and, run again, skips files already present with the same size", async () => {
    const root = await out();
    const objects = { "results/d/a.png/summary.json": "{}", "results/d/a.png/ig/map.png": "png bytes" };
    const first = fakeS3(objects);
    expect(await copyResults(first.s3, "b", "uploads/d/a.png", root)).toEqual({
      folder: join(root, "d/a.png"),
      downloaded: 2,
      present: 0,
    });
    expect(await readFile(join(root, "d/a.png/ig/map.png"), "utf8")).toBe("png bytes");

    const again = fakeS3(objects);
    expect(await copyResults(again.s3, "b", "uploads/d/a.png", root)).toMatchObject({
      downloaded: 0,
      present: 2,
    });
    expect(again.gets).toEqual([]);

    const resized = fakeS3({ ...objects, "results/d/a.png/ig/map.png": "new png bytes" });
    expect(await copyResults(resized.s3, "b", "uploads/d/a.png", root)).toMatchObject({
      downloaded: 1,
      present: 1,
    });
    expect(resized.gets).toEqual(["results/d/a.png/ig/map.png"]);
    expect(await readdir(join(root, "d/a.png"))).toEqual(expect.arrayContaining(["summary.json", "ig"]));
  });

  it("downloads again a file whose object is newer than the local copy, even at the same size", async () => {
    const root = await out();
    const objects = { "results/a.png/summary.json": "{}" };
    await copyResults(fakeS3(objects).s3, "b", "uploads/a.png", root);
    await utimes(join(root, "a.png/summary.json"), T0, T0);
    const rewritten = fakeS3(objects, new Date(T0.getTime() + 1000));
    expect(await copyResults(rewritten.s3, "b", "uploads/a.png", root)).toMatchObject({
      downloaded: 1,
      present: 0,
    });
  });
});
