import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset, splitLabels, type GenerateSummary } from "../../dataset/generate.js";
import { DISEASES, LABELS, parseCsv, type CsvRow } from "../../dataset/labels.js";
import { idPrefix, sampleId } from "../../dataset/write-sample.js";

const SEED = 2024;
const COUNT = 14;
const SIZE = 128;

let root: string;
let first: string;
let summary: GenerateSummary;
let rows: CsvRow[];

async function readMask(path: string): Promise<Uint8Array> {
  const image = sharp(path);
  const meta = await image.metadata();
  expect(meta).toMatchObject({ format: "png", width: SIZE, height: SIZE, channels: 1, depth: "uchar" });
  return image.extractChannel(0).raw().toBuffer();
}

const files = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "cnn-lens-dataset-"));
  first = join(root, "in-process");
  summary = await generateDataset({ out: first, count: COUNT, seed: SEED, size: SIZE, threads: 0 });
  rows = parseCsv(await readFile(summary.csvPath, "utf8"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("generateDataset", () => {
  it("is byte-for-byte deterministic, whether rendered in this thread or in worker threads", async () => {
    const second = join(root, "threads");
    await generateDataset({ out: second, count: COUNT, seed: SEED, size: SIZE, threads: 2 });
    const names = await files(first);
    expect(await files(second)).toEqual(names);
    for (const name of names) {
      expect(
        Buffer.compare(await readFile(join(first, name)), await readFile(join(second, name))),
        name,
      ).toBe(0);
    }
  });

  it("writes the Kaggle CSV with one row per image, in order", async () => {
    const text = await readFile(join(first, "train.csv"), "utf8");
    expect(text.split("\n")[0]).toBe("image,labels");
    expect(rows.map((r) => r.image)).toEqual(
      Array.from({ length: COUNT }, (_, i) => `${sampleId(SEED, i)}.jpg`),
    );
    expect(rows.map((r) => r.labels)).toEqual(splitLabels(SEED, COUNT));
    for (const line of text.trimEnd().split("\n").slice(1)) {
      const words = line.split(",")[1].split(" ");
      for (const word of words) expect(["healthy", ...LABELS]).toContain(word);
    }
    expect(summary.labelCounts.healthy).toBe(rows.filter((r) => r.labels.length === 0).length);
  });

  it("names images with a seed-derived prefix, so splits with other seeds do not collide", () => {
    expect(sampleId(SEED, 3)).toBe(`${idPrefix(SEED)}-00003`);
    expect(idPrefix(SEED)).toMatch(/^[0-9a-f]{8}$/);
    expect(idPrefix(SEED + 1)).not.toBe(idPrefix(SEED));
  });

  it("writes JPEG images of the requested size", async () => {
    for (const row of rows.slice(0, 3)) {
      expect(await sharp(join(first, "images", row.image)).metadata()).toMatchObject({
        format: "jpeg",
        width: SIZE,
        height: SIZE,
        channels: 3,
      });
    }
  });

  it("writes a mask exactly for each label present, inside the leaf, with complex the union", async () => {
    expect(rows.some((r) => r.labels.length === 0)).toBe(true);
    expect(rows.some((r) => r.labels.includes("complex"))).toBe(true);
    for (const row of rows) {
      const id = row.image.replace(/\.jpg$/, "");
      const leaf = await readMask(join(first, "leaf-masks", `${id}.png`));
      const leafArea = leaf.filter((v) => v === 255).length;
      expect(leafArea / leaf.length).toBeGreaterThan(0.08);
      expect(leaf.every((v) => v === 0 || v === 255)).toBe(true);
      const dir = join(first, "masks", id);
      if (row.labels.length === 0) {
        expect(existsSync(dir)).toBe(false);
        continue;
      }
      expect((await readdir(dir)).sort()).toEqual(row.labels.map((l) => `${l}.png`).sort());
      const masks = new Map(
        await Promise.all(row.labels.map(async (l) => [l, await readMask(join(dir, `${l}.png`))] as const)),
      );
      for (const [label, mask] of masks) {
        const lesion = mask.filter((v) => v === 255).length;
        expect(lesion, `${id} ${label}`).toBeGreaterThan(4);
        expect(
          mask.every((v, i) => v === 0 || (v === 255 && leaf[i] === 255)),
          `${id} ${label}`,
        ).toBe(true);
      }
      const complex = masks.get("complex");
      if (complex) {
        const diseases = DISEASES.filter((d) => masks.has(d));
        expect(diseases.length).toBeGreaterThanOrEqual(2);
        expect(complex.every((v, i) => (v === 255) === diseases.some((d) => masks.get(d)?.[i] === 255))).toBe(
          true,
        );
      }
    }
  });

  it("leaves no stale masks when a split is regenerated over an earlier one", async () => {
    const dir = join(root, "again");
    await generateDataset({ out: dir, count: 6, seed: 5, size: 64, threads: 0 });
    await generateDataset({ out: dir, count: 9, seed: 5, size: 64, threads: 0 });
    for (const row of parseCsv(await readFile(join(dir, "train.csv"), "utf8"))) {
      const masks = join(dir, "masks", row.image.replace(/\.jpg$/, ""));
      const present = existsSync(masks) ? (await readdir(masks)).sort() : [];
      expect(present).toEqual(row.labels.map((l) => `${l}.png`).sort());
    }
  });

  it("rejects bad arguments", async () => {
    await expect(generateDataset({ out: root, count: -1, seed: 1 })).rejects.toThrow(/count/);
    await expect(generateDataset({ out: root, count: 1, seed: 1.5 })).rejects.toThrow(/seed/);
    await expect(generateDataset({ out: root, count: 1, seed: 1, splitName: "../x" })).rejects.toThrow(
      /split/,
    );
  });
});
