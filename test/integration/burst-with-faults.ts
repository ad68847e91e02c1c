import type { ChildProcess } from "node:child_process";
import { queueDepth } from "../../cli/queue-depth.js";
import { readAllRecords } from "../../cli/local/wait-for-records.js";
import { putObject } from "../../shared/storage/s3-objects.js";
import { syntheticImage } from "../fixtures/images.js";
import { checkDelivery, type DeliveryCheck } from "./delivery-check.js";
import { localPipeline } from "./local-pipeline.js";
import { until } from "./until.js";

/** A burst of uploads on a fresh local deployment while workers are killed. */
export interface BurstOptions {
  /** How many 48×40 PNGs to upload at once. */
  readonly count: number;
  /** How many times a worker is SIGKILLed in the middle of an image (and restarted), spread evenly over the run. */
  readonly kills: number;
  /** @default 2 */
  readonly workers?: number;
  /** Index pollers running at once. @default 2 */
  readonly indexers?: number;
  /** The workers' CNN_LENS_CLAIM_SECONDS: how soon a killed worker's messages come back. @default 15 */
  readonly claimSeconds?: number;
  /** Give up waiting for the index after this long. */
  readonly timeoutMs: number;
  /** Receives each timeline entry as it happens. */
  readonly onEvent?: (entry: TimelineEntry) => void;
}

/** Something that happened, `ms` after the burst started. */
export interface TimelineEntry {
  readonly ms: number;
  readonly what: string;
}

/** What a burst did and what the check found. */
export interface BurstRun {
  readonly check: DeliveryCheck;
  /** When the burst started (epoch ms): timeline entries and records' indexedAt are measured from it. */
  readonly startedAt: number;
  readonly timeline: readonly TimelineEntry[];
  /** Images handled by workers (started, including the ones killed and the repeats), per upload. */
  readonly attemptsPerImage: number;
  /**
   * Uploads a worker started on a second or later receive of their message: the image a killed worker was on,
   * and the messages it had received but not yet started, which a kill charges one of their receives too.
   */
  readonly receivedAgain: number;
  /** Index pollers that crashed, with their error. */
  readonly indexerCrashes: readonly string[];
  /** Worker log lines that report a retry or a fatal error. */
  readonly workerTrouble: readonly string[];
  /** The tfjs backend package the first worker loaded. */
  readonly workerBackend: string;
}

const UPLOADS_AT_ONCE = 16;
const POLL_MS = 2000;
const QUIET_POLLS = 5;

/**
 * Uploads `count` images in a burst to a fresh deployment with `workers` worker processes and `indexers` index
 * pollers, SIGKILLs a worker `kills` times while it holds an image (when 1/(kills+1), 2/(kills+1)… of the images
 * are done; the workers take turns) and restarts it, waits until the index lists every upload or the queues
 * stay empty, waits for the queues to drain, then checks the index with {@link checkDelivery}.
 */
export async function runBurstWithFaults(options: BurstOptions): Promise<BurstRun> {
  const workerCount = options.workers ?? 2;
  const claimSeconds = options.claimSeconds ?? 15;
  const pipeline = await localPipeline(32, { indexers: 0 });
  const { s3, sqs, outputs } = pipeline.aws;
  const timeline: TimelineEntry[] = [];
  let t0 = Date.now();
  const note = (what: string) => {
    const entry = { ms: Date.now() - t0, what };
    timeline.push(entry);
    options.onEvent?.(entry);
  };
  try {
    const indexerCrashes: string[] = [];
    for (let i = 1; i <= (options.indexers ?? 2); i++) {
      pipeline.startIndexer().catch((error: unknown) => {
        indexerCrashes.push(`indexer ${i}: ${(error as Error).message}`);
        note(`indexer ${i} crashed: ${(error as Error).message}`);
      });
    }
    const logs: string[][] = [];
    const slots: { process: ChildProcess; log: string[] }[] = [];
    const start = (slot: number) => {
      const log: string[] = [];
      logs.push(log);
      slots[slot] = { process: pipeline.startWorker(log, claimSeconds), log };
      return log;
    };
    const isStarted = (line: string) => line.includes('"event":"started"');
    const ready = (log: string[]) => log.some(isStarted);
    const first = Array.from({ length: workerCount }, (_, slot) => start(slot));
    await until(() => first.every(ready), 120_000);
    const count = (pattern: string) =>
      logs.reduce((sum, log) => sum + log.filter((line) => line.includes(pattern)).length, 0);
    const images = await Promise.all(
      Array.from({ length: options.count }, (_, i) => syntheticImage(48, 40, i + 1)),
    );
    const keys = images.map((_, i) => `uploads/burst/${String(i).padStart(5, "0")}.png`);

    t0 = Date.now();
    note(`${workerCount} workers ready; burst of ${options.count} uploads starts`);
    let finished = false;
    const killing = (async () => {
      for (let kill = 1; kill <= options.kills; kill++) {
        const threshold = Math.round((kill * options.count) / (options.kills + 1));
        await until(() => finished || count('"event":"upload"') >= threshold, options.timeoutMs);
        if (finished) return;
        const slot = (kill - 1) % workerCount;
        const { process: victim, log } = slots[slot];
        const latest = () => log.findLast((line) => /"event":"upload(-started)?"/.test(line)) ?? "";
        await until(() => latest().includes('"upload-started"'), 10_000).catch(() => undefined);
        const key = /"key":"([^"]*)"/.exec(latest())?.[1] ?? "no image";
        victim.kill("SIGKILL");
        await new Promise((resolve) => victim.once("exit", resolve));
        note(
          `kill ${kill}: worker ${slot + 1} SIGKILLed while on ${key} (${count('"event":"upload"')} done)`,
        );
        const restarted = start(slot);
        void until(() => ready(restarted), 120_000)
          .then(() => note(`worker ${slot + 1} restarted and ready`))
          .catch(() => note(`worker ${slot + 1} not ready 120 s after its restart`));
      }
    })().catch((error: unknown) => note(`the kills stopped: ${(error as Error).message}`));

    const uploads = new Map<string, string>();
    let next = 0;
    const uploader = async () => {
      for (let i = next++; i < keys.length; i = next++)
        uploads.set(keys[i], await putObject(s3, { Bucket: outputs.bucket, Key: keys[i], Body: images[i] }));
    };
    await Promise.all(Array.from({ length: UPLOADS_AT_ONCE }, uploader));
    note(`uploads done (${uploads.size})`);

    const deadline = t0 + options.timeoutMs;
    let quiet = 0;
    let indexed = false;
    while (Date.now() < deadline && quiet < QUIET_POLLS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const records = await readAllRecords(s3, outputs.bucket);
      if (!indexed && new Set(records.map((record) => record.key)).size >= uploads.size) {
        indexed = true;
        note(`the index lists ${uploads.size} keys; waiting for the queues to drain`);
      }
      const depths = await Promise.all(
        [outputs.workQueueUrl, outputs.indexQueueUrl].map((url) => queueDepth(sqs, url)),
      );
      quiet = depths.every((depth) => depth.waiting + depth.inFlight === 0) ? quiet + 1 : 0;
    }
    finished = true;
    await killing;
    note(quiet >= QUIET_POLLS ? "work and index queues drained" : "gave up waiting");
    const check = await checkDelivery({
      s3,
      sqs,
      bucket: outputs.bucket,
      uploads,
      deadLetterQueueUrls: [outputs.workDeadLetterQueueUrl, outputs.indexDeadLetterQueueUrl],
    });
    const workerTrouble = logs.flat().filter((line) => /"retry-later"|"fatal"/.test(line));
    const receivedAgain = new Set(
      logs
        .flat()
        .filter((line) => line.includes('"upload-started"') && !line.includes('"attempt":1'))
        .map((line) => /"key":"([^"]*)"/.exec(line)?.[1]),
    );
    return {
      check,
      startedAt: t0,
      timeline: [...timeline].sort((a, b) => a.ms - b.ms),
      attemptsPerImage: count('"upload-started"') / options.count,
      receivedAgain: receivedAgain.size,
      indexerCrashes,
      workerTrouble,
      workerBackend: /"backendPackage":"([^"]*)"/.exec(first[0].find(isStarted) ?? "")?.[1] ?? "unknown",
    };
  } finally {
    await pipeline.dispose();
  }
}
