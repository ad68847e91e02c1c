import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { assignLabels, formatCsv, HEALTHY, LABELS, type CsvRow, type Label } from "./labels.js";
import { hashSeed, Random } from "./random.js";
import { createRenderPool } from "./render-pool.js";

/** What to generate. */
export interface GenerateOptions {
  /** Output directory; created if missing. */
  readonly out: string;
  readonly count: number;
  /** Any unsigned 32-bit integer; the same seed always gives byte-identical files. */
  readonly seed: number;
  /** Image side in pixels (default 256). */
  readonly size?: number;
  /** Name of the CSV, `<splitName>.csv` (default `train`). */
  readonly splitName?: string;
  /** JPEG quality (default 90). */
  readonly quality?: number;
  /**
   * Worker threads to render with; 0 renders in the calling thread, which already hands rasterizing and
   * encoding to sharp's thread pool and is the fastest choice on two cores. Default: 0 on up to two cores,
   * else one per core up to 4.
   */
  readonly threads?: number;
  /** Called after each image is written. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What was generated. */
export interface GenerateSummary {
  readonly csvPath: string;
  readonly rows: readonly CsvRow[];
  /** Images per CSV label word (`healthy` included). */
  readonly labelCounts: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** The labels of every image of a split, in order (the same for any size or output directory). */
export function splitLabels(seed: number, count: number): Label[][] {
  return assignLabels(count, new Random(hashSeed(seed, "labels", count)));
}

/**
 * Writes a split of synthetic apple-leaf images into `out`: `images/<id>.jpg`, `leaf-masks/<id>.png`,
 * `masks/<id>/<label>.png` for each label present, and `<splitName>.csv`.
 */
export async function generateDataset(options: GenerateOptions): Promise<GenerateSummary> {
  const { out, count, seed, size = 256, splitName = "train", quality = 90 } = options;
  const cores = availableParallelism();
  const threads = options.threads ?? (cores > 2 ? Math.min(4, cores) : 0);
  const check = (ok: boolean, message: string) => {
    if (!ok) throw new Error(message);
  };
  check(Number.isInteger(count) && count >= 0, `count must be a non-negative integer, got ${count}`);
  check(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff, `seed must be a uint32, got ${seed}`);
  check(Number.isInteger(size) && size >= 32, `size must be an integer ≥ 32, got ${size}`);
  check(/^[\w.-]+$/.test(splitName), `split name must be a plain file name, got "${splitName}"`);
  const started = performance.now();
  await mkdir(join(out, "images"), { recursive: true });
  await mkdir(join(out, "leaf-masks"), { recursive: true });
  await mkdir(join(out, "masks"), { recursive: true });

  const labels = splitLabels(seed, count);
  const rows: CsvRow[] = new Array(count);
  const pool = createRenderPool(threads);
  let next = 0;
  let done = 0;
  const feed = async () => {
    while (next < count) {
      const index = next++;
      const image = await pool.run({ out, seed, index, labels: labels[index], size, quality });
      rows[index] = { image, labels: labels[index] };
      options.onProgress?.(++done, count);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(count, pool.capacity) }, feed));
  } finally {
    await pool.close();
  }

  const csvPath = join(out, `${splitName}.csv`);
  await writeFile(csvPath, formatCsv(rows));
  const labelCounts: Record<string, number> = Object.fromEntries([HEALTHY, ...LABELS].map((l) => [l, 0]));
  for (const row of rows) {
    if (row.labels.length === 0) labelCounts[HEALTHY] += 1;
    for (const label of row.labels) labelCounts[label] += 1;
  }
  return { csvPath, rows, labelCounts, seconds: (performance.now() - started) / 1000 };
}

const USAGE =
  "usage: tsx dataset/generate.ts --out DIR [--count N] [--seed S] [--size 256] [--split-name train] [--quality 90] [--threads T]";

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: "string" },
      count: { type: "string", default: "100" },
      seed: { type: "string", default: "1" },
      size: { type: "string", default: "256" },
      "split-name": { type: "string", default: "train" },
      quality: { type: "string", default: "90" },
      threads: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || !values.out) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const integer = (name: string, text: string) => {
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
    return Number(text);
  };
  const count = integer("count", values.count);
  const summary = await generateDataset({
    out: resolve(values.out),
    count,
    seed: integer("seed", values.seed),
    size: integer("size", values.size),
    splitName: values["split-name"],
    quality: integer("quality", values.quality),
    threads: values.threads === undefined ? undefined : integer("threads", values.threads),
    onProgress: (done, total) => {
      if (process.stderr.isTTY && (done % 50 === 0 || done === total))
        process.stderr.write(`\r${done}/${total}`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write("\n");
  const rate = summary.seconds > 0 ? (count / summary.seconds).toFixed(1) : "∞";
  console.log(
    `wrote ${count} images to ${summary.csvPath} in ${summary.seconds.toFixed(1)} s (${rate} images/s)`,
  );
  console.log(
    Object.entries(summary.labelCounts)
      .map(([label, n]) => `${label} ${n}`)
      .join(", "),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
