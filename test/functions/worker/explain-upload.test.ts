import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { explainUpload, type UploadContext } from "../../../functions/worker/explain-upload.js";
import type { ModelCache } from "../../../functions/worker/model-cache.js";
import { runWorkLoop } from "../../../functions/worker/work-loop.js";
import type { S3ObjectEvent } from "../../../shared/storage/s3-event.js";
import {
  MAX_S3_KEY_BYTES,
  MAX_UPLOAD_KEY_BYTES,
  quarantineKeyFor,
  resultsPrefixFor,
} from "../../../shared/storage/s3-layout.js";
import { parseSummary } from "../../../shared/schema/summary.js";

/**
 * A context whose S3 only records PutObject calls (any other call fails the test) and whose models may not be
 * loaded: an unsafe key must be settled without reading the upload or loading a model.
 */
function recordingContext(): UploadContext & { puts: { key: string; body: string }[] } {
  const puts: { key: string; body: string }[] = [];
  return {
    puts,
    s3: {
      send: (command: unknown) => {
        if (!(command instanceof PutObjectCommand)) throw new Error("S3 was asked for more than a put");
        puts.push({ key: command.input.Key ?? "", body: String(command.input.Body) });
        return Promise.resolve({ ETag: '"e"' });
      },
    } as unknown as S3Client,
    bucket: "b",
    models: {
      acquire: () => {
        throw new Error("a model was loaded");
      },
    } as unknown as ModelCache,
    defaultModel: "default",
    maxPixels: 1_000_000,
    maxUploadBytes: 1_000_000,
  };
}

describe("explainUpload with an unsafe key", () => {
  it.each(["uploads/../../../../home/u/x.jpg", "uploads/a//x.png", "uploads/a\\b.png"])(
    "records %s as failed, with the reason, under a hashed stand-in key, on any attempt",
    async (key) => {
      const event: S3ObjectEvent = { key, eventName: "ObjectCreated:Put", bucket: "b" };
      for (const final of [false, true]) {
        const context = recordingContext();
        await expect(explainUpload(event, context, { number: 1, final })).resolves.toBe("failed");
        const standIn = quarantineKeyFor(key);
        expect(standIn).toMatch(/^uploads\/_unsafe-keys\/[0-9a-f]{64}\.(jpg|png)$/);
        expect(context.puts.map((put) => put.key)).toEqual([`${resultsPrefixFor(standIn)}summary.json`]);
        const summary = parseSummary(JSON.parse(context.puts[0].body));
        expect(summary.status).toBe("failed");
        expect(summary.image.source).toBe(`s3://b/${key}`);
        if (summary.status === "failed") {
          expect(summary.error.kind).toBe("bad-input");
          expect(summary.error.message).toContain(JSON.stringify(key));
        }
      }
    },
  );
});

describe("explainUpload with a key too long for its results keys", () => {
  it("records it as failed under a hashed stand-in key, the reason naming its length and the limit", async () => {
    const key = `uploads/${"d/".repeat(100)}${"é".repeat(394)}.png`;
    expect(Buffer.byteLength(key)).toBe(1000);
    // Without the length check, an IG artifact's key would be over 1,024 bytes: S3 refuses it, so the upload is
    // retried and recorded as an internal failure on the last receive (and a key over 1,011 bytes, whose
    // summary.json key is too long as well, would end in the dead-letter queue).
    expect(Buffer.byteLength(`results/${key.slice(8)}/ig/rust/attributions.npy`)).toBeGreaterThan(
      MAX_S3_KEY_BYTES,
    );
    const context = recordingContext();
    const event: S3ObjectEvent = { key, eventName: "ObjectCreated:Put", bucket: "b" };
    await expect(explainUpload(event, context, { number: 1, final: false })).resolves.toBe("failed");
    expect(context.puts.map((put) => put.key)).toEqual([
      `${resultsPrefixFor(quarantineKeyFor(key))}summary.json`,
    ]);
    const summary = parseSummary(JSON.parse(context.puts[0].body));
    expect(summary.image.source).toBe(`s3://b/${key}`);
    expect(summary.status === "failed" && summary.error).toMatchObject({
      kind: "bad-input",
      message: expect.stringContaining(
        `is unsafe: it is 1000 bytes long, over the ${MAX_UPLOAD_KEY_BYTES} bytes that ` +
          `leave room for its results keys (results/<key>/…) under S3's 1024-byte key limit; rename the upload ` +
          `to a key of at most ${MAX_UPLOAD_KEY_BYTES} bytes`,
      ) as unknown,
    });
  });
});

describe("the work loop with an unsafe key", () => {
  it("records the failure and deletes the message instead of retrying it", async () => {
    const key = "uploads/../../../../home/u/x.jpg";
    const body = JSON.stringify({
      Records: [{ eventName: "ObjectCreated:Put", s3: { bucket: { name: "b" }, object: { key } } }],
    });
    const deleted: unknown[] = [];
    let received = false;
    const sqs = {
      send: (command: unknown) => {
        if (command instanceof ReceiveMessageCommand) {
          const Messages = received ? [] : [{ MessageId: "m", ReceiptHandle: "r", Body: body }];
          received = true;
          return Promise.resolve({ Messages });
        }
        if (command instanceof DeleteMessageCommand) deleted.push(command.input.ReceiptHandle);
        return Promise.resolve({});
      },
    } as unknown as SQSClient;
    const context = recordingContext();
    const log: Record<string, unknown>[] = [];
    await runWorkLoop({
      sqs,
      queueUrl: "q",
      claimSeconds: 30,
      idleSeconds: 0,
      watch: false,
      stop: new AbortController().signal,
      handle: (event, attempt) => explainUpload(event, context, attempt),
      log: (entry) => log.push(entry),
    });
    expect(log).toContainEqual(expect.objectContaining({ event: "upload", key, outcome: "failed" }));
    expect(log.some((entry) => entry.event === "retry-later")).toBe(false);
    expect(deleted).toEqual(["r"]);
    expect(context.puts).toHaveLength(1);
  });
});
