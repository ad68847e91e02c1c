import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForRecords } from "../../cli/local/wait-for-records.js";
import { explainUpload, type UploadContext } from "../../functions/worker/explain-upload.js";
import { ModelCache, s3ExplainerLoader } from "../../functions/worker/model-cache.js";
import { runWorkLoop } from "../../functions/worker/work-loop.js";
import { initBackend } from "../../shared/engine/backend.js";
import { saveModelBundle } from "../../shared/model/save-model-bundle.js";
import { uploadBundle } from "../../shared/model/upload-bundle.js";
import { parseSummary, type Summary } from "../../shared/schema/summary.js";
import { LOCALSTACK } from "../../shared/storage/aws-connection.js";
import { s3Client } from "../../shared/storage/s3-client.js";
import { sqsClient } from "../../shared/storage/sqs-client.js";
import type { S3ObjectEvent } from "../../shared/storage/s3-event.js";
import {
  DEFAULT_MODEL_NAME,
  MAX_UPLOAD_KEY_BYTES,
  quarantineKeyFor,
  summaryKeyFor,
} from "../../shared/storage/s3-layout.js";
import { getJson, putObject } from "../../shared/storage/s3-objects.js";
import { BACKEND_UNDER_TEST } from "../backend-under-test.js";
import { syntheticImage } from "../fixtures/images.js";
import { seedLikeCnn, seedLikeLens } from "../fixtures/models.js";
import { localPipeline } from "./local-pipeline.js";
import { until } from "./until.js";

/**
 * The worker's limits on a real LocalStack: uploads too large, metadata too long, an upload replaced between its
 * HEAD and its download, keys too long for their results keys, and how many messages a worker holds.
 */

const SIZE = 16;
/** As long as a target may be. */
const LONG_LABEL = "l".repeat(128);
const FIRST_ATTEMPT = { number: 1, final: false };
const sqs = sqsClient(LOCALSTACK);
/** A bucket of this file's own, without notifications: explainUpload is called here, not by a worker. */
const bucket = `cnn-lens-limits-${randomBytes(4).toString("hex")}`;
const s3 = s3Client(LOCALSTACK);
let models: ModelCache;

/** The S3 commands a client sends, as `Command key`. */
function recordCommands(client: S3Client): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(`${context.commandName} ${String((args.input as { Key?: string }).Key)}`);
      return next(args);
    },
    { step: "initialize" },
  );
  return sent;
}

function contextWith(client: S3Client, maxUploadBytes = 1_000_000): UploadContext {
  return {
    s3: client,
    bucket,
    models,
    defaultModel: DEFAULT_MODEL_NAME,
    maxPixels: 1_000_000,
    maxUploadBytes,
  };
}

const eventFor = (key: string): S3ObjectEvent => ({ key, bucket, eventName: "ObjectCreated:Put" });

async function summaryOf(key: string): Promise<Summary | undefined> {
  const stored = await getJson(s3, bucket, summaryKeyFor(key));
  return stored && parseSummary(stored.value);
}

beforeAll(async () => {
  const runtime = await initBackend(BACKEND_UNDER_TEST);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const folder = join(await mkdtemp(join(tmpdir(), "cnn-lens-limits-")), "model");
  await saveModelBundle(seedLikeCnn(SIZE), seedLikeLens(SIZE), folder);
  await uploadBundle(s3, bucket, folder, DEFAULT_MODEL_NAME);
  const longLabels = join(folder, "..", "long-labels");
  const labels = ["scab", "rust", "complex", "mildew", LONG_LABEL];
  await saveModelBundle(seedLikeCnn(SIZE), { ...seedLikeLens(SIZE), labels }, longLabels);
  await uploadBundle(s3, bucket, longLabels, "long-labels");
  models = new ModelCache(s3ExplainerLoader(s3, bucket, runtime, 1));
});

afterAll(async () => {
  await models?.dispose();
  for (;;) {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    if (Contents.length === 0) break;
    await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: Contents.map(({ Key }) => ({ Key })) } }),
    );
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
});

describe("explainUpload on LocalStack", () => {
  it("refuses an upload over the size limit from its HEAD, without downloading it", async () => {
    const key = "uploads/limits/large.png";
    const image = await syntheticImage(64, 64);
    expect(image.byteLength).toBeGreaterThan(2000);
    await putObject(s3, { Bucket: bucket, Key: key, Body: image, Metadata: { labels: "rust" } });
    const client = s3Client(LOCALSTACK);
    const sent = recordCommands(client);

    await expect(explainUpload(eventFor(key), contextWith(client, 2000), FIRST_ATTEMPT)).resolves.toBe(
      "failed",
    );
    expect(sent.filter((command) => command.endsWith(key))).toEqual([`HeadObjectCommand ${key}`]);
    const summary = await summaryOf(key);
    expect(summary?.status).toBe("failed");
    expect(summary?.image.labels).toEqual(["rust"]);
    expect(summary?.status === "failed" && summary.error).toEqual({
      kind: "bad-input",
      message:
        `the upload "${key}" is ${image.byteLength} bytes (${(image.byteLength / 1024 ** 2).toFixed(1)} MiB), ` +
        `over the worker's limit of 2000 bytes (0.0 MiB); upload a smaller image, or raise CNN_LENS_MAX_UPLOAD_BYTES`,
    });
    await expect(explainUpload(eventFor(key), contextWith(client), FIRST_ATTEMPT)).resolves.toBe("explained");
  });

  it("downloads the version it HEADed: one replaced in between is left to its own notification", async () => {
    const key = "uploads/limits/replaced.png";
    const first = await putObject(s3, {
      Bucket: bucket,
      Key: key,
      Body: await syntheticImage(SIZE, SIZE, 1),
    });
    const replacement = await syntheticImage(SIZE, SIZE, 2);
    let second: string | undefined;
    const client = s3Client(LOCALSTACK);
    const sent = recordCommands(client);
    // A hook, not a mock: the real HEAD runs, then the upload is replaced in LocalStack before the worker's GET.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "HeadObjectCommand" && second === undefined) {
          second = await putObject(s3, { Bucket: bucket, Key: key, Body: replacement });
        }
        return result;
      },
      { step: "initialize" },
    );

    await expect(explainUpload(eventFor(key), contextWith(client), FIRST_ATTEMPT)).resolves.toBe(
      "superseded",
    );
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(sent).toContain(`GetObjectCommand ${key}`);
    expect(await summaryOf(key)).toBeUndefined();

    // The replacement's own notification: explained, under the replacement's ETag.
    await expect(explainUpload(eventFor(key), contextWith(s3), FIRST_ATTEMPT)).resolves.toBe("explained");
    expect((await summaryOf(key))?.image.etag).toBe(second);
  });

  it("records an upload whose targets are too many as failed, with the reason", async () => {
    const key = "uploads/limits/targets.png";
    const targets = Array.from({ length: 40 }, (_, i) => `label${i}`).join(",");
    await putObject(s3, {
      Bucket: bucket,
      Key: key,
      Body: await syntheticImage(SIZE, SIZE),
      Metadata: { targets },
    });
    await expect(explainUpload(eventFor(key), contextWith(s3), FIRST_ATTEMPT)).resolves.toBe("failed");
    const summary = await summaryOf(key);
    expect(summary?.status === "failed" && summary.error).toMatchObject({
      kind: "bad-input",
      message: expect.stringContaining(
        "x-amz-meta-targets names 40 labels, over the limit of 32 per image",
      ) as unknown,
    });
  });
});

describe("explainUpload with a label too long for the room its key leaves", () => {
  it("records the upload as failed under its own key, naming the results key's length and the limit", async () => {
    const key = `uploads/${"k".repeat(MAX_UPLOAD_KEY_BYTES - 12)}.png`;
    await putObject(s3, {
      Bucket: bucket,
      Key: key,
      Body: await syntheticImage(SIZE, SIZE),
      Metadata: { model: "long-labels", targets: `rust,${LONG_LABEL}` },
    });
    await expect(explainUpload(eventFor(key), contextWith(s3), FIRST_ATTEMPT)).resolves.toBe("failed");
    const summary = await summaryOf(key);
    expect(summary?.status === "failed" && summary.error).toMatchObject({
      kind: "bad-input",
      message: expect.stringMatching(
        /^the results key for (ig|gradcam)\/l{128}\/\w+\.(png|npy) would be 1044 bytes, over S3's 1024-byte limit; /,
      ) as unknown,
    });
  });
});

describe("the work loop on LocalStack", () => {
  it("holds only the message it is working on, so that another worker takes the rest", async () => {
    const { QueueUrl: queueUrl = "" } = await sqs.send(
      new CreateQueueCommand({ QueueName: `cnn-lens-limits-${randomBytes(4).toString("hex")}` }),
    );
    const stop = new AbortController();
    try {
      for (const n of [1, 2, 3]) {
        const body = JSON.stringify({
          Records: [
            {
              eventName: "ObjectCreated:Put",
              s3: { bucket: { name: bucket }, object: { key: `uploads/${n}.png` } },
            },
          ],
        });
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      }
      let unblock = () => {};
      const blocked = new Promise<void>((resolve) => (unblock = resolve));
      const handled: Record<"busy" | "idle", string[]> = { busy: [], idle: [] };
      const loop = (name: "busy" | "idle") =>
        runWorkLoop({
          sqs,
          queueUrl,
          claimSeconds: 30,
          idleSeconds: 0,
          watch: true,
          stop: stop.signal,
          handle: async (event) => {
            handled[name].push(event.key);
            if (name === "busy") await blocked;
            return "skipped";
          },
          log: () => {},
        });
      const busy = loop("busy");
      await until(() => handled.busy.length === 1, 20_000);
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      expect(attributes.Attributes).toMatchObject({
        ApproximateNumberOfMessages: "2",
        ApproximateNumberOfMessagesNotVisible: "1",
      });
      const idle = loop("idle");
      await until(() => handled.idle.length === 2, 20_000);
      expect(handled.busy).toHaveLength(1);
      expect([...handled.busy, ...handled.idle].sort()).toEqual([
        "uploads/1.png",
        "uploads/2.png",
        "uploads/3.png",
      ]);
      unblock();
      stop.abort();
      await Promise.all([busy, idle]);
    } finally {
      stop.abort();
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    }
  });
});

describe("a worker process on the local pipeline", () => {
  let pipeline: Awaited<ReturnType<typeof localPipeline>> | undefined;
  const log: string[] = [];

  beforeAll(async () => {
    pipeline = await localPipeline(SIZE);
    pipeline.startWorker(log, 20, { CNN_LENS_MAX_UPLOAD_BYTES: "4000" });
  });

  afterAll(async () => {
    await pipeline?.dispose();
  });

  it("records uploads too large, and keys too long for S3, as failed records; nothing reaches the dead letters", async () => {
    const { aws } = pipeline as NonNullable<typeof pipeline>;
    // 1,015 bytes: a valid S3 key, but results/<key>/summary.json would be 1,028.
    const longKey = `uploads/${"long/".repeat(200)}${"k".repeat(3)}.png`;
    expect(Buffer.byteLength(longKey)).toBe(1015);
    const large = "uploads/limits/large.png";
    const small = "uploads/limits/small.png";
    const largeImage = await syntheticImage(128, 128);
    expect(largeImage.byteLength).toBeGreaterThan(4000);
    const etags = new Map<string, string | undefined>();
    for (const [key, body] of [
      [longKey, await syntheticImage(SIZE, SIZE)],
      [large, largeImage],
      [small, await syntheticImage(SIZE, SIZE)],
    ] as const) {
      etags.set(key, await putObject(aws.s3, { Bucket: aws.outputs.bucket, Key: key, Body: body }));
    }
    const standIn = quarantineKeyFor(longKey);
    const [long, tooLarge, explained] = await waitForRecords({
      s3: aws.s3,
      bucket: aws.outputs.bucket,
      keys: new Map([
        [standIn, undefined],
        [large, etags.get(large)],
        [small, etags.get(small)],
      ]),
      timeoutMs: 120_000,
    });
    expect(long).toMatchObject({ status: "failed", key: standIn });
    expect(long.error).toContain(
      `bad-input: upload key "${longKey.slice(0, 100)}…" is unsafe: it is 1015 bytes long, over the ` +
        `${MAX_UPLOAD_KEY_BYTES} bytes that leave room for its results keys (results/<key>/…) under S3's ` +
        `1024-byte key limit`,
    );
    expect(tooLarge.status).toBe("failed");
    expect(tooLarge.error).toContain(
      `is ${largeImage.byteLength} bytes (0.0 MiB), over the worker's limit of 4000 bytes (0.0 MiB); upload a ` +
        "smaller image, or raise CNN_LENS_MAX_UPLOAD_BYTES",
    );
    expect(explained.status).toBe("explained");
    expect(log.filter((line) => line.includes('"retry-later"'))).toEqual([]);
    const deadLetters = await aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: aws.outputs.workDeadLetterQueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(deadLetters.Attributes).toMatchObject({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
  }, 180_000);
});
