/**
 * `npm run bench:pipeline`: the local pipeline on LocalStack with a small model. Uploads 100 images and measures,
 * with 1 and with 2 worker processes, throughput, upload-to-record latency (p50, p95) and its split into compute
 * and overhead; then the indexer's cost per record as the index grows from 100 to 10,000 records.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pollIndexQueue } from "../cli/local/index-poller.js";
import { waitForRecords } from "../cli/local/wait-for-records.js";
import { startWorkerProcess, stopWorkerProcess } from "../cli/local/worker-process.js";
import { IndexStore } from "../functions/indexer/index-store.js";
import { initBackend } from "../shared/engine/backend.js";
import { saveModelBundle } from "../shared/model/save-model-bundle.js";
import { uploadBundle } from "../shared/model/upload-bundle.js";
import { recordFromSummary } from "../shared/schema/index-record.js";
import { LOCALSTACK } from "../shared/storage/aws-connection.js";
import { DEFAULT_MODEL_NAME, summaryKeyFor } from "../shared/storage/s3-layout.js";
import { putObject } from "../shared/storage/s3-objects.js";
import { syntheticImage } from "../test/fixtures/images.js";
import { seedLikeCnn, seedLikeLens } from "../test/fixtures/models.js";
import { handMadeSummary } from "../test/fixtures/summaries.js";
import { freshLocalStack } from "../test/integration/local-aws.js";

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 100);
const INDEX_RECORDS = Number(process.env.BENCH_INDEX_RECORDS ?? 10_000);
const INDEX_BATCH = 10;

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function throughput(workers: number, bundle: string, images: Buffer[]): Promise<number> {
  const aws = await freshLocalStack();
  await uploadBundle(aws.s3, aws.outputs.bucket, bundle, DEFAULT_MODEL_NAME);
  const processes = Array.from({ length: workers }, () =>
    startWorkerProcess({
      aws: LOCALSTACK,
      outputs: aws.outputs,
      watch: true,
      environment: { CNN_LENS_THREADS: String(2 / workers) },
    }),
  );
  const stop = new AbortController();
  const indexer = pollIndexQueue({
    sqs: aws.sqs,
    s3: aws.s3,
    bucket: aws.outputs.bucket,
    queueUrl: aws.outputs.indexQueueUrl,
    stop: stop.signal,
    waitSeconds: 1,
  });
  await new Promise((resolve) => setTimeout(resolve, 4000)); // let the workers load tfjs before the clock starts
  const uploadedAt = new Map<string, number>();
  const keys = new Map<string, string>();
  const started = Date.now();
  for (const [i, image] of images.entries()) {
    const key = `uploads/bench/${String(i).padStart(4, "0")}.png`;
    uploadedAt.set(key, Date.now());
    keys.set(key, await putObject(aws.s3, { Bucket: aws.outputs.bucket, Key: key, Body: image }));
  }
  const records = await waitForRecords({
    s3: aws.s3,
    bucket: aws.outputs.bucket,
    keys,
    timeoutMs: 30 * 60_000,
    pollMs: 250,
  });
  const finished = Math.max(...records.map((record) => Date.parse(record.indexedAt)));
  const latencies = records.map((record) => Date.parse(record.indexedAt) - (uploadedAt.get(record.key) ?? 0));
  const compute = records.map((record) => record.processingMs ?? 0);
  const seconds = (finished - started) / 1000;
  console.log(
    `${workers} worker process${workers > 1 ? "es" : ""} (${2 / workers} gradient thread${workers > 1 ? "" : "s"} each):`,
  );
  console.log(
    `  throughput          ${(records.length / seconds).toFixed(2)} images/s (${records.length} in ${seconds.toFixed(1)} s)`,
  );
  console.log(
    `  upload → record     p50 ${(percentile(latencies, 50) / 1000).toFixed(1)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(1)} s`,
  );
  console.log(
    `  per image           compute ${mean(compute).toFixed(0)} ms (the summary's total), overhead ${((seconds * 1000 * workers) / records.length - mean(compute)).toFixed(0)} ms (worker time per image − compute: S3, SQS, queueing)`,
  );
  await Promise.all(processes.map(stopWorkerProcess));
  stop.abort();
  await indexer.catch(() => undefined);
  await aws.dispose();
  return records.length / seconds;
}

async function indexingCost(): Promise<void> {
  const aws = await freshLocalStack();
  const store = new IndexStore(aws.s3, aws.outputs.bucket);
  const checkpoints = [100, 1000, 2500, 5000, 7500, INDEX_RECORDS].filter((n) => n <= INDEX_RECORDS);
  console.log(`\nindexing cost per record (batches of ${INDEX_BATCH}, one indexer), as the index grows:`);
  let windowStart = performance.now();
  let windowCount = 0;
  const costs: number[] = [];
  for (let n = 0; n < INDEX_RECORDS; n += INDEX_BATCH) {
    const records = Array.from({ length: INDEX_BATCH }, (_, i) => {
      const key = `uploads/grow/${n + i}.png`;
      return recordFromSummary(key, summaryKeyFor(key), handMadeSummary(n + i, key), new Date());
    });
    await store.put(records);
    windowCount += INDEX_BATCH;
    if (checkpoints.includes(n + INDEX_BATCH)) {
      const cost = (performance.now() - windowStart) / windowCount;
      costs.push(cost);
      const { manifest } = await store.readManifest();
      console.log(
        `  at ${String(n + INDEX_BATCH).padStart(6)} records: ${cost.toFixed(2)} ms per record (last ${windowCount}; ${manifest.shardCount} shards, manifest ${JSON.stringify(manifest).length} bytes)`,
      );
      windowStart = performance.now();
      windowCount = 0;
    }
  }
  console.log(
    `  cost at ${INDEX_RECORDS} ÷ cost at 100: ${(costs[costs.length - 1] / costs[0]).toFixed(2)}× (flat is ≈ 1)`,
  );
  await aws.dispose();
}

async function main(): Promise<void> {
  console.log(`# bench:pipeline — LocalStack, ${UPLOADS} uploads of 48×40 PNGs, a 32×32 seed-like CNN`);
  await initBackend("wasm");
  const bundle = join(await mkdtemp(join(tmpdir(), "cnn-lens-bench-")), "model");
  await saveModelBundle(seedLikeCnn(32), seedLikeLens(32), bundle);
  const images = await Promise.all(Array.from({ length: UPLOADS }, (_, i) => syntheticImage(48, 40, i + 1)));
  const one = await throughput(1, bundle, images);
  const two = await throughput(2, bundle, images);
  console.log(`2 workers ÷ 1 worker: ${(two / one).toFixed(2)}× throughput`);
  await indexingCost();
}

await main();
