import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAllRecords, waitForRecords } from "../../cli/local/wait-for-records.js";
import { stopWorkerProcess } from "../../cli/local/worker-process.js";
import { putObject } from "../../shared/storage/s3-objects.js";
import { syntheticImage } from "../fixtures/images.js";
import { localPipeline } from "./local-pipeline.js";
import { until } from "./until.js";

let pipeline: Awaited<ReturnType<typeof localPipeline>>;
let aws: Awaited<ReturnType<typeof localPipeline>>["aws"];
const CLAIM_SECONDS = 6;
const startWorker = (log: string[]) => pipeline.startWorker(log, CLAIM_SECONDS);

beforeAll(async () => {
  pipeline = await localPipeline(64);
  aws = pipeline.aws;
});

afterAll(async () => {
  await pipeline?.dispose();
});

describe("a worker killed in the middle of an image", () => {
  it("loses nothing: the message comes back to another worker and exactly one record results", async () => {
    const firstLog: string[] = [];
    const first = startWorker(firstLog);
    const key = "uploads/crash/leaf.png";
    const etag = await putObject(aws.s3, {
      Bucket: aws.outputs.bucket,
      Key: key,
      Body: await syntheticImage(64, 64, 5),
    });
    await until(() => firstLog.some((line) => line.includes('"upload-started"')), 60_000);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    expect(firstLog.some((line) => line.includes('"event":"upload"'))).toBe(false);

    const secondLog: string[] = [];
    const second = startWorker(secondLog);
    const [record] = await waitForRecords({
      s3: aws.s3,
      bucket: aws.outputs.bucket,
      keys: new Map([[key, etag]]),
      timeoutMs: 180_000,
    });
    expect(record.status).toBe("explained");
    expect(
      secondLog.some((line) => line.includes('"outcome":"explained"') && line.includes('"attempt":2')),
    ).toBe(true);
    const records = await readAllRecords(aws.s3, aws.outputs.bucket);
    expect(records.filter((candidate) => candidate.key === key)).toHaveLength(1);
    expect(records).toHaveLength(1);
    expect(await stopWorkerProcess(second)).toBe(0);
  });

  it("on SIGTERM, finishes the image in hand and exits cleanly", async () => {
    const log: string[] = [];
    const worker = startWorker(log);
    const key = "uploads/crash/second.png";
    await putObject(aws.s3, { Bucket: aws.outputs.bucket, Key: key, Body: await syntheticImage(64, 64, 6) });
    await until(
      () => log.some((line) => line.includes('"upload-started"') && line.includes("second.png")),
      60_000,
    );
    const code = await stopWorkerProcess(worker);
    expect(code).toBe(0);
    expect(log.some((line) => line.includes('"outcome":"explained"') && line.includes("second.png"))).toBe(
      true,
    );
    expect(log.some((line) => line.includes('"event":"stopped"'))).toBe(true);
  });
});
