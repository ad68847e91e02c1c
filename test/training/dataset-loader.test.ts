import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import {
  batches,
  batchTensors,
  epochOrder,
  loadSplit,
  parseSplitCsv,
  randomTransforms,
  type ImageSet,
} from "../../training/dataset-loader.js";
import { labelText, multiHot, sameLabels } from "../../training/labels.js";
import { SeededRandom } from "../../training/random.js";

let folder: string;

/** A tiny split in the generator's layout: images/<id>.jpg and train.csv, one flat colour per image. */
beforeAll(async () => {
  await initBackend("wasm");
  folder = await mkdtemp(join(tmpdir(), "cnn-lens-loader-"));
  await mkdir(join(folder, "images"));
  const colours: [string, [number, number, number]][] = [
    ["red.jpg", [220, 30, 30]],
    ["green.jpg", [30, 200, 40]],
    ["blue.jpg", [20, 40, 210]],
  ];
  for (const [name, [r, g, b]] of colours) {
    await sharp({ create: { width: 32, height: 24, channels: 3, background: { r, g, b } } })
      .jpeg({ quality: 95 })
      .toFile(join(folder, "images", name));
  }
  await writeFile(
    join(folder, "train.csv"),
    "image,labels\nred.jpg,rust\ngreen.jpg,healthy\nblue.jpg,scab frog_eye_leaf_spot complex\n",
  );
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("labels", () => {
  it("maps CSV labels to multi-hot vectors in model order, and back", () => {
    expect(multiHot("healthy")).toEqual([0, 0, 0, 0, 0]);
    expect(multiHot("rust")).toEqual([0, 0, 1, 0, 0]);
    expect(multiHot("scab frog_eye_leaf_spot powdery_mildew complex")).toEqual([1, 1, 0, 1, 1]);
    expect(labelText([1, 1, 0, 1, 1])).toBe("scab frog_eye_leaf_spot powdery_mildew complex");
    expect(sameLabels("rust complex scab", "scab rust complex")).toBe(true);
    expect(sameLabels("rust", "rust complex")).toBe(false);
    expect(labelText([0, 0, 0, 0, 0])).toBe("healthy");
    expect(() => multiHot("black_rot")).toThrow(/unknown label "black_rot"/);
  });

  it("parses the split CSV and refuses another header", () => {
    expect(parseSplitCsv("image,labels\na.jpg,rust\r\nb.jpg,healthy\n")).toEqual([
      { image: "a.jpg", labels: "rust" },
      { image: "b.jpg", labels: "healthy" },
    ]);
    expect(() => parseSplitCsv("file,label\na.jpg,rust\n")).toThrow(/header/);
  });
});

describe("loading a split", () => {
  it("decodes and resizes every image in CSV order with its targets", async () => {
    const set = await loadSplit(folder, 8);
    expect(set.rows.map((r) => r.image)).toEqual(["red.jpg", "green.jpg", "blue.jpg"]);
    expect(set.pixels.length).toBe(3 * 8 * 8 * 3);
    const pixel = (image: number) => Array.from(set.pixels.subarray(image * 192, image * 192 + 3));
    for (const [i, expected] of [
      [220, 30, 30],
      [30, 200, 40],
      [20, 40, 210],
    ].entries()) {
      pixel(i).forEach((value, c) => expect(Math.abs(value - expected[c])).toBeLessThanOrEqual(6));
    }
    expect(Array.from(set.targets)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0]);

    const { xs, ys } = batchTensors(set, [2, 0]);
    expect(xs.shape).toEqual([2, 8, 8, 3]);
    expect(Array.from(ys.dataSync())).toEqual([1, 1, 0, 1, 0, 0, 0, 1, 0, 0]);
    expect(xs.dataSync()[0]).toBeCloseTo(pixel(2)[0] / 255, 6);
    xs.dispose();
    ys.dispose();
  });
});

describe("batches", () => {
  it("shuffles each epoch deterministically, differently per epoch, and cuts batches", () => {
    const a = epochOrder(100, 7, 0);
    expect(epochOrder(100, 7, 0)).toEqual(a);
    expect(epochOrder(100, 7, 1)).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(batches(a, 32).map((b) => b.length)).toEqual([32, 32, 32, 4]);
  });

  it("turns and mirrors images for augmentation", () => {
    // One 2×2 image with distinct pixels a b / c d (each pixel's red channel = its value).
    const set: ImageSet = {
      rows: [{ image: "x", labels: "healthy" }],
      size: 2,
      pixels: Uint8Array.from([10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0]),
      targets: new Float32Array(5),
    };
    const red = (turns: 0 | 1 | 2 | 3, mirror: boolean) => {
      const { xs, ys } = batchTensors(set, [0], [{ turns, mirror }]);
      const values = Array.from(xs.dataSync())
        .filter((_, i) => i % 3 === 0)
        .map((v) => Math.round(v * 255));
      xs.dispose();
      ys.dispose();
      return values;
    };
    expect(red(0, false)).toEqual([10, 20, 30, 40]);
    expect(red(0, true)).toEqual([20, 10, 40, 30]);
    expect(red(2, false)).toEqual([40, 30, 20, 10]);
    const quarter = red(1, false);
    expect([quarter, red(3, false)]).toContainEqual([30, 10, 40, 20]); // one quarter turn each way
    expect(quarter).not.toEqual(red(3, false));
    expect(new Set(quarter)).toEqual(new Set([10, 20, 30, 40]));
  });

  it("adds seeded Gaussian input noise of the given standard deviation, the same for the same seed", () => {
    const size = 64;
    const set: ImageSet = {
      rows: [{ image: "grey", labels: "healthy" }],
      size,
      pixels: new Uint8Array(size * size * 3).fill(128),
      targets: new Float32Array(5),
    };
    const noisy = (seed: number) => {
      const { xs, ys } = batchTensors(set, [0], [{ turns: 0, mirror: false, noise: { seed, std: 0.05 } }]);
      const values = Array.from(xs.dataSync(), (v) => v - 128 / 255);
      xs.dispose();
      ys.dispose();
      return values;
    };
    const noise = noisy(7);
    const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
    const std = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeCloseTo(0.05, 2);
    expect(noisy(7)).toEqual(noise);
    expect(noisy(8)).not.toEqual(noise);
    const augmentations = randomTransforms(3, new SeededRandom(1), 0.05);
    expect(augmentations.every((a) => a.noise?.std === 0.05)).toBe(true);
    expect(randomTransforms(3, new SeededRandom(1)).some((a) => a.noise)).toBe(false);
  });
});
