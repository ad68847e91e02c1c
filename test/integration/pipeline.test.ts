import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAllRecords, waitForRecords } from "../../cli/local/wait-for-records.js";
import { queueDepth } from "../../cli/queue-depth.js";
import { parseSummary, type ExplainedSummary } from "../../shared/schema/summary.js";
import { LOCALSTACK } from "../../shared/storage/aws-connection.js";
import { resultsPrefixFor, summaryKeyFor } from "../../shared/storage/s3-layout.js";
import { getJson, headObject, putObject } from "../../shared/storage/s3-objects.js";
import { BAD_IMAGE_NAMES, badImages } from "../fixtures/bad-images.js";
import { syntheticImage } from "../fixtures/images.js";
import { localPipeline } from "./local-pipeline.js";
import { until } from "./until.js";

let pipeline: Awaited<ReturnType<typeof localPipeline>>;
let aws: Awaited<ReturnType<typeof localPipeline>>["aws"];
const workerLog: string[] = [];

const GOOD = "uploads/plain.png";
const ODD_NAME = "uploads/dir with space/leaf +plus é.png";
const FORMATS = [
  "uploads/formats/16-bit.png",
  "uploads/formats/grey.png",
  "uploads/formats/alpha.png",
  "uploads/formats/cmyk.jpg",
  "uploads/formats/exif.jpg",
];
const BAD = Object.fromEntries(
  BAD_IMAGE_NAMES.map((name, i) => [
    name,
    `uploads/bad/${i}-${name.replace(/\W+/g, "-")}.${["png", "jpg", "png", "png", "gif", "svg"][i]}`,
  ]),
);
const uploaded = new Map<string, string | undefined>();

async function upload(key: string, body: Uint8Array, metadata?: Record<string, string>): Promise<void> {
  const etag = await putObject(aws.s3, {
    Bucket: aws.outputs.bucket,
    Key: key,
    Body: body,
    Metadata: metadata,
  });
  uploaded.set(key, etag);
}

beforeAll(async () => {
  pipeline = await localPipeline(32);
  aws = pipeline.aws;
  pipeline.startWorker(workerLog, 20);
});

afterAll(async () => {
  await pipeline?.dispose();
});

describe("the pipeline on LocalStack", () => {
  it("explains good uploads, records bad ones with reasons, and lists every upload in the manifest", async () => {
    const image = await syntheticImage(48, 40);
    await upload(GOOD, image, { labels: "rust" });
    await upload(ODD_NAME, image, { targets: "scab,rust" });
    const base = sharp(image);
    await upload(FORMATS[0], await base.clone().toColourspace("rgb16").png().toBuffer());
    await upload(FORMATS[1], await base.clone().greyscale().png().toBuffer());
    await upload(FORMATS[2], await base.clone().ensureAlpha(0.5).png().toBuffer());
    await upload(FORMATS[3], await base.clone().toColourspace("cmyk").jpeg().toBuffer());
    await upload(FORMATS[4], await base.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer());
    const bad = await badImages();
    for (const name of BAD_IMAGE_NAMES) await upload(BAD[name], bad[name].bytes);
    await putObject(aws.s3, {
      Bucket: aws.outputs.bucket,
      Key: "uploads/notes.txt",
      Body: "not an image key",
    });

    const records = await waitForRecords({
      s3: aws.s3,
      bucket: aws.outputs.bucket,
      keys: uploaded,
      timeoutMs: 240_000,
    });
    const byKey = new Map(records.map((record) => [record.key, record]));
    for (const key of [GOOD, ODD_NAME, ...FORMATS])
      expect(byKey.get(key)).toMatchObject({ status: "explained", error: null });
    for (const name of BAD_IMAGE_NAMES) {
      const record = byKey.get(BAD[name]);
      expect(record?.status).toBe("failed");
      expect(record?.error).toMatch(bad[name].reason);
    }
    expect(byKey.get(GOOD)?.actualLabels).toEqual(["rust"]);
    expect(byKey.get(ODD_NAME)?.explainedTargets).toEqual(["scab", "rust"]);
    expect(
      (await readAllRecords(aws.s3, aws.outputs.bucket)).some((record) => record.key === "uploads/notes.txt"),
    ).toBe(false);

    const summary = parseSummary(
      (await getJson(aws.s3, aws.outputs.bucket, summaryKeyFor(ODD_NAME)))?.value,
    ) as ExplainedSummary;
    expect(summary.image.etag).toBe(uploaded.get(ODD_NAME));
    const paths = [
      summary.input,
      ...summary.integratedGradients.flatMap((ig) => Object.values(ig.artifacts)),
      ...summary.gradCam.flatMap((c) => Object.values(c.artifacts)),
      ...summary.activations.map((a) => a.grid),
    ];
    for (const path of paths)
      expect(
        await headObject(aws.s3, aws.outputs.bucket, `${resultsPrefixFor(ODD_NAME)}${path}`),
      ).toBeDefined();

    const exif = parseSummary((await getJson(aws.s3, aws.outputs.bucket, summaryKeyFor(FORMATS[4])))?.value);
    expect(exif.image).toMatchObject({ width: 40, height: 48 });
  });

  it("turns duplicate notifications into nothing: no recomputation and a single record", async () => {
    const before = (await readAllRecords(aws.s3, aws.outputs.bucket)).filter((record) => record.key === GOOD);
    const body = JSON.stringify({
      Records: [
        {
          eventName: "ObjectCreated:Put",
          s3: { bucket: { name: aws.outputs.bucket }, object: { key: "uploads/plain.png" } },
        },
      ],
    });
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.outputs.workQueueUrl, MessageBody: body }));
    const summaryBody = JSON.stringify({
      Records: [
        {
          eventName: "ObjectCreated:Put",
          s3: { bucket: { name: aws.outputs.bucket }, object: { key: summaryKeyFor(GOOD) } },
        },
      ],
    });
    await aws.sqs.send(
      new SendMessageCommand({ QueueUrl: aws.outputs.indexQueueUrl, MessageBody: summaryBody }),
    );
    await until(() => workerLog.some((line) => line.includes('"outcome":"unchanged"')), 60_000, 500);
    expect(
      workerLog.some((line) => line.includes('"outcome":"unchanged"') && line.includes("plain.png")),
    ).toBe(true);
    // The repeated summary event has been indexed once the index queue holds nothing, visible or in flight.
    const drained = async () => {
      const { waiting, inFlight } = await queueDepth(aws.sqs, aws.outputs.indexQueueUrl);
      return waiting + inFlight === 0;
    };
    await until(drained, 60_000, 250);
    const after = (await readAllRecords(aws.s3, aws.outputs.bucket)).filter((record) => record.key === GOOD);
    expect(after).toEqual(before);
    expect(after).toHaveLength(1);
  });

  it("answers status, query and fetch from the command line", async () => {
    const cli = async (...args: string[]) =>
      (
        await promisify(execFile)("node", [join(import.meta.dirname, "../../bin/cnn-lens.mjs"), ...args], {
          env: { ...process.env, CNN_LENS_STACK: aws.stackName, CNN_LENS_AWS_ENDPOINT: LOCALSTACK.endpoint },
        })
      ).stdout;
    const status = await cli("status");
    expect(status).toMatch(/work dead letters +0 waiting/);
    expect(status).toMatch(/manifest +13 records/);

    const failed = JSON.parse(await cli("query", "--status", "failed", "--json")) as { key: string }[];
    expect(failed.map((record) => record.key).sort()).toEqual(Object.values(BAD).sort());
    const table = await cli("query", "--label", "rust", "--min-score", "0");
    expect(table.split("\n")[0]).toMatch(/^image +actual +predicted +IG error +time$/);

    const out = await mkdtemp(join(tmpdir(), "cnn-lens-fetch-"));
    const folder = (await cli("fetch", ODD_NAME.slice("uploads/".length), "--out", out)).trim();
    const summary = parseSummary(JSON.parse(await readFile(join(folder, "summary.json"), "utf8")));
    expect(summary.status).toBe("explained");
    expect((await readFile(join(folder, "input.png"))).subarray(1, 4).toString()).toBe("PNG");
  });
});
