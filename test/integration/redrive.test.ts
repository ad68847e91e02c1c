import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueDepth } from "../../cli/queue-depth.js";
import { waitForRecords } from "../../cli/local/wait-for-records.js";
import { LOCALSTACK } from "../../shared/storage/aws-connection.js";
import { summaryKeyFor } from "../../shared/storage/s3-layout.js";
import { putObject } from "../../shared/storage/s3-objects.js";
import { syntheticImage } from "../fixtures/images.js";
import { handMadeSummary } from "../fixtures/summaries.js";
import { localPipeline } from "./local-pipeline.js";

let pipeline: Awaited<ReturnType<typeof localPipeline>>;
let aws: Awaited<ReturnType<typeof localPipeline>>["aws"];

const UPLOADS = ["uploads/dead/a.png", "uploads/dead/b.png", "uploads/dead/c.png"];
/** A summary put by hand, so that its index notification is the one that dies. */
const HAND_MADE = "uploads/dead/hand-made.png";

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(import.meta.dirname, "../../bin/cnn-lens.mjs");
  const env = { ...process.env, CNN_LENS_STACK: aws.stackName, CNN_LENS_AWS_ENDPOINT: LOCALSTACK.endpoint };
  try {
    const { stdout, stderr } = await promisify(execFile)("node", [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

const waiting = async (url: string) => (await queueDepth(aws.sqs, url)).waiting;

/**
 * Receives every message of a queue without deleting it until SQS has moved them all to the dead-letter queue, as
 * a consumer that always fails would; returns the bodies that died.
 */
async function killMessages(queueUrl: string, deadLetterQueueUrl: string): Promise<string[]> {
  const seen = new Map<string, string>();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 0,
      }),
    );
    for (const message of Messages) seen.set(message.MessageId ?? "", message.Body ?? "");
    const { waiting: left, inFlight } = await queueDepth(aws.sqs, queueUrl);
    if (seen.size > 0 && left + inFlight === 0 && (await waiting(deadLetterQueueUrl)) === seen.size)
      return [...seen.values()];
    if (Date.now() > deadline) throw new Error(`${seen.size} messages did not reach the dead-letter queue`);
  }
}

/** The bodies of the `count` messages of a queue, left in it (visible again) for its consumer. */
async function peek(queueUrl: string, count: number): Promise<string[]> {
  const held: Message[] = [];
  while (held.length < count) {
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
    );
    if (Messages.length === 0) break;
    held.push(...Messages);
  }
  await aws.sqs.send(
    new ChangeMessageVisibilityBatchCommand({
      QueueUrl: queueUrl,
      Entries: held.map((message, i) => ({
        Id: String(i),
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: 0,
      })),
    }),
  );
  return held.map((message) => message.Body ?? "");
}

beforeAll(async () => {
  pipeline = await localPipeline(32, { indexers: 0 });
  aws = pipeline.aws;
});

afterAll(async () => {
  await pipeline?.dispose();
});

describe("cnn-lens redrive on LocalStack", () => {
  it("moves dead letters back with identical bodies, after which the pipeline explains and indexes them", async () => {
    const { outputs } = aws;
    const etags = new Map<string, string | undefined>([[HAND_MADE, undefined]]);
    for (const [i, key] of UPLOADS.entries()) {
      const body = await syntheticImage(48, 40, i + 1);
      etags.set(key, await putObject(aws.s3, { Bucket: outputs.bucket, Key: key, Body: body }));
    }
    await putObject(aws.s3, {
      Bucket: outputs.bucket,
      Key: summaryKeyFor(HAND_MADE),
      Body: JSON.stringify(handMadeSummary(0, HAND_MADE)),
    });
    const workDead = await killMessages(outputs.workQueueUrl, outputs.workDeadLetterQueueUrl);
    const indexDead = await killMessages(outputs.indexQueueUrl, outputs.indexDeadLetterQueueUrl);
    for (const key of UPLOADS) expect(workDead.filter((body) => body.includes(key))).toHaveLength(1);
    expect(indexDead.filter((body) => body.includes("results/dead/hand-made.png"))).toHaveLength(1);

    const before = await cli("status");
    expect(before.stdout).toMatch(new RegExp(`work dead letters +${workDead.length} waiting`));
    expect(before.stdout).toMatch(new RegExp(`index dead letters +${indexDead.length} waiting`));
    const total = workDead.length + indexDead.length;
    expect(before.stdout).toContain(`${total} dead letters: run cnn-lens redrive to retry them`);

    const dryRun = await cli("redrive", "--dry-run");
    expect(dryRun.stdout).toContain(`work dead letters → work queue: would move ${workDead.length}`);
    expect(await waiting(outputs.workDeadLetterQueueUrl)).toBe(workDead.length);

    const one = await cli("redrive", "--queue", "work", "--max", "1");
    expect(one).toMatchObject({ code: 0, stdout: "work dead letters → work queue: moved 1\n" });
    expect(await waiting(outputs.workDeadLetterQueueUrl)).toBe(workDead.length - 1);

    const rest = await cli("redrive");
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain(`work dead letters → work queue: moved ${workDead.length - 1}`);
    expect(rest.stdout).toContain(`index dead letters → index queue: moved ${indexDead.length}`);
    expect(await waiting(outputs.workDeadLetterQueueUrl)).toBe(0);
    expect(await waiting(outputs.indexDeadLetterQueueUrl)).toBe(0);
    expect((await peek(outputs.workQueueUrl, workDead.length)).sort()).toEqual([...workDead].sort());
    expect((await peek(outputs.indexQueueUrl, indexDead.length)).sort()).toEqual([...indexDead].sort());

    pipeline.startWorker([], 20);
    void pipeline.startIndexer();
    const records = await waitForRecords({
      s3: aws.s3,
      bucket: outputs.bucket,
      keys: etags,
      timeoutMs: 120_000,
    });
    expect(records.map((record) => record.status)).toEqual([
      "explained",
      "explained",
      "explained",
      "explained",
    ]);
    const after = await cli("status");
    expect(after.stdout).toMatch(/work dead letters +0 waiting/);
    expect(after.stdout).not.toContain("cnn-lens redrive");
  }, 300_000);
});
