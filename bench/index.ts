/**
 * `npm run bench:index`: the index at 10³, 10⁴ and 10⁵ records on LocalStack, a fresh bucket each, and what the
 * index costs there: per record indexed, the manifest's size, and one report refresh's time and memory (in a child
 * process, for a clean peak RSS). Each size is first filled to N − 1,000 records in bulk, a full shard at a time,
 * through the indexer's own writers (the shard writer, the kept shard totals, the manifest's withShard; no key
 * markers, which only re-indexing a key reads, and no fill key is indexed again), so that 10⁵ takes minutes rather
 * than the hours of 10,000 Lambda batches on LocalStack; its report is built once; then the last 1,000 records are
 * indexed through IndexStore.put in batches of 10, as the index Lambda receives them, and timed; then the report is
 * refreshed, as the schedule does after them. A 300-record index goes first, unreported, to warm up. It prints a
 * table with 10⁶ extrapolated (a power law fitted to the sizes measured) and the ratio 10⁵ / 10³ of every row (flat
 * is ≈ 1). About 3 to 7 minutes on a 2-core machine, depending on what else it runs.
 * Environment: BENCH_INDEX_SIZES (default 1000,10000,100000), BENCH_INDEX_WINDOW (default 1000).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ensureLocalStack } from "../cli/local/localstack.js";
import { Deadline } from "../functions/indexer/deadline.js";
import { IndexStore, SHARD_CAPACITY } from "../functions/indexer/index-store.js";
import { IndexReader } from "../shared/index/index-reader.js";
import { withShard } from "../functions/indexer/manifest-update.js";
import { writeShard } from "../shared/index/record-shard.js";
import { refreshReport } from "../functions/indexer/report-refresh.js";
import { keepShardTotals } from "../functions/indexer/shard-totals-store.js";
import { mapLimit } from "../shared/map-limit.js";
import { recordFromSummary, type IndexRecord } from "../shared/schema/index-record.js";
import { emptyTotals, totalsOf } from "../shared/schema/index-totals.js";
import { checkedManifest, emptyManifest } from "../shared/schema/manifest.js";
import { LOCALSTACK } from "../shared/storage/aws-connection.js";
import { s3Client } from "../shared/storage/s3-client.js";
import { INDEX_TIMEOUT_SECONDS } from "../shared/storage/queue-settings.js";
import { MANIFEST_KEY, shardKey, summaryKeyFor } from "../shared/storage/s3-layout.js";
import { headObject, putObject } from "../shared/storage/s3-objects.js";
import { handMadeSummary } from "../test/fixtures/summaries.js";

const SIZES = (process.env.BENCH_INDEX_SIZES ?? "1000,10000,100000").split(",").map(Number);
const WINDOW = Number(process.env.BENCH_INDEX_WINDOW ?? 1000);
const BATCH = 10;
const WARM_UP = 300;
/** As the index Lambda's: its timeout less the margin it keeps to answer. */
const LAMBDA_DEADLINE_MS = (INDEX_TIMEOUT_SECONDS - 5) * 1000;

/** S3 requests and bytes sent, by command, through one client. */
function countingClient(): {
  s3: S3Client;
  requests: () => number;
  bytesPut: () => number;
  reset: () => void;
} {
  const s3 = s3Client(LOCALSTACK);
  let requests = 0;
  let bytesPut = 0;
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      requests++;
      const body = (args.input as { Body?: unknown }).Body;
      if (context.commandName === "PutObjectCommand")
        bytesPut += typeof body === "string" ? Buffer.byteLength(body) : ((body as Uint8Array)?.length ?? 0);
      return next(args);
    },
    { step: "initialize" },
  );
  return {
    s3,
    requests: () => requests,
    bytesPut: () => bytesPut,
    reset: () => {
      requests = 0;
      bytesPut = 0;
    },
  };
}

function record(i: number): IndexRecord {
  const key = `uploads/bench/${Math.floor(i / 1000)}/${i}.png`;
  return recordFromSummary(key, summaryKeyFor(key), handMadeSummary(i, key), new Date());
}

/**
 * Fills an empty index with records 0 … count − 1 in full shards through the indexer's writers: each shard with
 * revision 1 and its totals kept, then the manifest that counting them one by one gives, listing the last shard.
 */
async function bulkFill(s3: S3Client, bucket: string, count: number): Promise<void> {
  const shards = Math.ceil(count / SHARD_CAPACITY);
  const deadline = new Deadline(Number.POSITIVE_INFINITY);
  const states = await mapLimit(
    Array.from({ length: shards }, (_, n) => n),
    4,
    async (n) => {
      const records = Array.from({ length: Math.min(SHARD_CAPACITY, count - n * SHARD_CAPACITY) }, (_, i) =>
        record(n * SHARD_CAPACITY + i),
      );
      const state = { key: shardKey(n), revision: 1, totals: totalsOf(records) };
      await writeShard(s3, bucket, state.key, records, state.revision, { ifAbsent: true });
      await keepShardTotals(s3, bucket, { ...state, changedAt: 0 }, deadline);
      if (n % 100 === 99) console.error(`  filled ${(n + 1) * SHARD_CAPACITY}`);
      return state;
    },
  );
  let manifest = emptyManifest(new Date());
  for (const state of states) manifest = withShard(manifest, state, emptyTotals(), new Date());
  manifest = { ...manifest, recent: manifest.recent.slice(-1) };
  await putObject(
    s3,
    { Bucket: bucket, Key: MANIFEST_KEY, Body: JSON.stringify(checkedManifest(manifest)) },
    { ifAbsent: true },
  );
}

/** What the refresh child reports. */
interface RefreshMeasure {
  readonly ms: number;
  readonly dataFiles: number;
  readonly requests: number;
  readonly peakRssMB: number;
  /** Peak RSS less the RSS when the refresh started. */
  readonly rssGrowthMB: number;
  /** Peak heap used (sampled every 2 ms) less the heap used when the refresh started. */
  readonly heapGrowthMB: number;
}

/** Runs one report refresh of `bucket` in a fresh Node process and returns what it measured. */
function refreshInChild(bucket: string): Promise<RefreshMeasure> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      // A 1 MB young generation: garbage is collected early, so the peak heap is what the refresh holds.
      [
        "--expose-gc",
        "--max-semi-space-size=1",
        "--import",
        "tsx",
        import.meta.filename,
        "--refresh-child",
        bucket,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out) as RefreshMeasure)
        : reject(new Error(`refresh child exited ${code}`)),
    );
  });
}

async function refreshChild(bucket: string): Promise<void> {
  const counting = countingClient();
  await headObject(counting.s3, bucket, MANIFEST_KEY); // load the SDK's lazy parts before measuring
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  counting.reset();
  let heapPeak = heap;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 2);
  const started = performance.now();
  const refresh = await refreshReport({
    s3: counting.s3,
    bucket,
    force: true,
    deadline: Deadline.after(LAMBDA_DEADLINE_MS),
  });
  const ms = performance.now() - started;
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const peak = process.resourceUsage().maxRSS * 1024;
  const measure: RefreshMeasure = {
    ms,
    dataFiles: refresh.dataFiles,
    requests: counting.requests(),
    peakRssMB: peak / 2 ** 20,
    rssGrowthMB: (peak - rss) / 2 ** 20,
    heapGrowthMB: (heapPeak - heap) / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(measure));
}

async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
    if (!Contents || Contents.length === 0) break;
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: Contents.map(({ Key }) => ({ Key })), Quiet: true },
      }),
    );
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

interface SizeMeasure {
  readonly size: number;
  readonly fillSeconds: number;
  readonly firstReportSeconds: number;
  readonly msPerRecord: number;
  readonly requestsPerRecord: number;
  readonly kbPutPerRecord: number;
  readonly manifestKB: number;
  readonly listedShards: number;
  readonly refresh: RefreshMeasure;
}

async function measureSize(size: number): Promise<SizeMeasure> {
  const counting = countingClient();
  const { s3 } = counting;
  const bucket = `cnn-lens-bench-index-${randomBytes(4).toString("hex")}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  try {
    const store = new IndexStore(s3, bucket);
    const fill = Math.max(0, size - WINDOW);
    let started = performance.now();
    if (fill > 0) await bulkFill(s3, bucket, fill);
    const fillSeconds = (performance.now() - started) / 1000;

    started = performance.now();
    for (let round = 0; ; round++) {
      const built = await refreshReport({
        s3,
        bucket,
        force: true,
        deadline: Deadline.after(LAMBDA_DEADLINE_MS),
      });
      if (built.upToDate) break;
      if (round > 100) throw new Error("the first report did not catch up in 100 refreshes");
    }
    const firstReportSeconds = (performance.now() - started) / 1000;

    const observer = new IndexReader(s3Client(LOCALSTACK), bucket);
    let windowMs = 0;
    let requests = 0;
    let bytesPut = 0;
    let manifestBytes = 0;
    let listedShards = 0;
    for (let start = fill; start < size; start += BATCH) {
      counting.reset();
      started = performance.now();
      await store.put(Array.from({ length: Math.min(BATCH, size - start) }, (_, i) => record(start + i)));
      windowMs += performance.now() - started;
      requests += counting.requests();
      bytesPut += counting.bytesPut();
      const { manifest } = await observer.readManifest();
      manifestBytes = Math.max(manifestBytes, Buffer.byteLength(JSON.stringify(manifest)));
      listedShards = Math.max(listedShards, manifest.recent.length);
    }
    const indexed = size - fill;
    const manifest = (await store.readManifest()).manifest;
    if (manifest.totals.records !== size)
      throw new Error(`the index holds ${manifest.totals.records}, not ${size}`);
    return {
      size,
      fillSeconds,
      firstReportSeconds,
      msPerRecord: windowMs / indexed,
      requestsPerRecord: requests / indexed,
      kbPutPerRecord: bytesPut / 1024 / indexed,
      manifestKB: manifestBytes / 1024,
      listedShards,
      refresh: await refreshInChild(bucket),
    };
  } finally {
    await emptyBucket(s3, bucket);
  }
}

/**
 * `y` at `x`, from the power law y = a·xᵇ fitted by least squares in log-log through the points with y > 0 (a
 * straight line through two points; flat rows extrapolate flat, linear rows tenfold a decade).
 */
function extrapolate(xs: readonly number[], ys: readonly number[], x: number): number {
  const points = xs.flatMap((xi, i) => (ys[i] > 0 ? [[Math.log10(xi), Math.log10(ys[i])] as const] : []));
  if (points.length < 2) return NaN;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const mx = mean(points.map(([px]) => px));
  const my = mean(points.map(([, py]) => py));
  const slope =
    points.reduce((sum, [px, py]) => sum + (px - mx) * (py - my), 0) /
    points.reduce((sum, [px]) => sum + (px - mx) ** 2, 0);
  return 10 ** (my + slope * (Math.log10(x) - mx));
}

function table(measures: readonly SizeMeasure[]): string {
  // Rows that grow with the index by nature (done once) extrapolate linearly; the others by the fitted power law.
  const rows: [string, (m: SizeMeasure) => number, number, "linear"?][] = [
    ["indexing: ms per record (batches of 10)", (m) => m.msPerRecord, 2],
    ["indexing: S3 requests per record", (m) => m.requestsPerRecord, 2],
    ["indexing: KB written per record", (m) => m.kbPutPerRecord, 2],
    ["manifest: largest size in the window, KB", (m) => m.manifestKB, 1],
    ["manifest: most shards listed in the window", (m) => m.listedShards, 0],
    ["refresh: time, ms", (m) => m.refresh.ms, 0],
    ["refresh: data files written", (m) => m.refresh.dataFiles, 0],
    ["refresh: S3 requests", (m) => m.refresh.requests, 0],
    ["refresh: peak RSS, MB", (m) => m.refresh.peakRssMB, 0],
    ["refresh: peak RSS growth, MB", (m) => m.refresh.rssGrowthMB, 1],
    ["refresh: peak heap growth, MB", (m) => m.refresh.heapGrowthMB, 1],
    ["(one-time) bulk fill, s", (m) => m.fillSeconds, 1, "linear"],
    ["(one-time) first report, every shard, s", (m) => m.firstReportSeconds, 1, "linear"],
  ];
  const sizes = measures.map((m) => m.size.toLocaleString("en-US"));
  const header = ["", ...sizes, "10⁶ (extrapolated)", `${sizes.at(-1)} ÷ ${sizes[0]}`];
  const body = rows.map(([name, value, digits, linear]) => {
    const values = measures.map(value);
    const shown = (v: number) => Number(v.toFixed(digits)) > 0;
    const extrapolated = linear
      ? 10 * values[values.length - 1]
      : extrapolate(
          measures.map((m) => m.size),
          values.map((v) => (shown(v) ? v : 0)),
          10 * (measures.at(-1)?.size ?? 0),
        );
    return [
      name,
      ...values.map((v) => v.toFixed(digits)),
      Number.isFinite(extrapolated) ? `≈ ${extrapolated.toFixed(digits)}` : "–",
      shown(values[0]) ? `${(values[values.length - 1] / values[0]).toFixed(2)}×` : "–",
    ];
  });
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((row) => row[c].length)));
  const line = (row: readonly string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  return [line(header), ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  if (process.argv[2] === "--refresh-child") return refreshChild(process.argv[3]);
  await ensureLocalStack(LOCALSTACK);
  console.log(
    `# bench:index — LocalStack, sizes ${SIZES.join(", ")}; the last ${WINDOW} records of each in batches of ${BATCH}`,
  );
  const started = performance.now();
  // A small index first, unreported, so that the first size measured does not pay for warming up (JIT, sockets).
  await measureSize(WARM_UP);
  const measures: SizeMeasure[] = [];
  for (const size of SIZES) {
    measures.push(await measureSize(size));
    console.error(`  ${size}: done after ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  console.log(table(measures));
  console.log(
    `(10⁶: the power law fitted to the measured sizes, extrapolated a decade; one-time rows tenfold; ` +
      `finished in ${((performance.now() - started) / 60_000).toFixed(1)} min)`,
  );
}

await main();
