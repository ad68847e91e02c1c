import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleIndexEvent } from "../../functions/indexer/handler.js";
import { MAX_RECENT_SHARDS, SHARD_CAPACITY } from "../../functions/indexer/index-store.js";
import { IndexReader } from "../../shared/index/index-reader.js";
import { totalsOf } from "../../shared/schema/index-totals.js";
import { shardKey } from "../../shared/storage/s3-layout.js";
import { summaryKeyFor } from "../../shared/storage/s3-layout.js";
import { putObject } from "../../shared/storage/s3-objects.js";
import { handMadeSummary } from "../fixtures/summaries.js";
import { freshLocalStack } from "./local-aws.js";

let aws: Awaited<ReturnType<typeof freshLocalStack>>;
const COUNT = 200;
const keys = Array.from({ length: COUNT }, (_, i) => `uploads/race/image ${i}+é.png`);
const summaries = keys.map((key, i) => handMadeSummary(i, key));

const notification = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventName: "ObjectCreated:Put",
        s3: {
          bucket: { name: aws.outputs.bucket },
          object: { key: encodeURIComponent(key).replace(/%20/g, "+") },
        },
      },
    ],
  });

beforeAll(async () => {
  aws = await freshLocalStack();
  for (const [i, key] of keys.entries()) {
    await putObject(aws.s3, {
      Bucket: aws.outputs.bucket,
      Key: summaryKeyFor(key),
      Body: JSON.stringify(summaries[i]),
    });
  }
});

afterAll(async () => {
  await aws?.dispose();
});

describe("the indexer against a real LocalStack", () => {
  it("two indexers racing over 200 summaries, with every event delivered twice, give 200 records and exact totals", async () => {
    const events = keys.map((key, i) => ({ messageId: `m${i}`, body: notification(summaryKeyFor(key)) }));
    const indexer = async (order: typeof events) => {
      for (let start = 0; start < order.length; start += 10) {
        const response = await handleIndexEvent(
          { Records: order.slice(start, start + 10) },
          { s3: aws.s3, bucket: aws.outputs.bucket },
        );
        expect(response.batchItemFailures).toEqual([]);
      }
    };
    await Promise.all([indexer(events), indexer([...events].reverse())]);

    const store = new IndexReader(aws.s3, aws.outputs.bucket);
    const { manifest } = await store.readManifest();
    const shards = await Promise.all(
      Array.from({ length: manifest.shardCount }, (_, n) => store.readShard(shardKey(n))),
    );
    const records = shards.flat();
    expect(records).toHaveLength(COUNT);
    expect(new Set(records.map((record) => record.key))).toEqual(new Set(keys));
    expect(manifest.totals).toEqual(totalsOf(records));
    expect(manifest.totals.byStatus).toEqual({ explained: 160, failed: 40 });
    expect(shards.every((shard) => shard.length <= SHARD_CAPACITY + 20)).toBe(true);
    expect(manifest.recent.length).toBeLessThanOrEqual(MAX_RECENT_SHARDS);
  });

  it("is idempotent: the same events again change nothing", async () => {
    const store = new IndexReader(aws.s3, aws.outputs.bucket);
    const before = (await store.readManifest()).manifest;
    const response = await handleIndexEvent(
      {
        Records: keys
          .slice(0, 10)
          .map((key, i) => ({ messageId: `again${i}`, body: notification(summaryKeyFor(key)) })),
      },
      { s3: aws.s3, bucket: aws.outputs.bucket },
    );
    expect(response.batchItemFailures).toEqual([]);
    const after = (await store.readManifest()).manifest;
    expect(after.totals).toEqual(before.totals);
    expect(after.revision).toBe(before.revision);
    expect(after.recent).toEqual(before.recent);
  });

  it("reports an unreadable summary as a batch item failure, alone", async () => {
    await putObject(aws.s3, {
      Bucket: aws.outputs.bucket,
      Key: summaryKeyFor("uploads/broken.png"),
      Body: "{ not json",
    });
    const response = await handleIndexEvent(
      {
        Records: [
          { messageId: "broken", body: notification(summaryKeyFor("uploads/broken.png")) },
          { messageId: "fine", body: notification(summaryKeyFor(keys[0])) },
        ],
      },
      { s3: aws.s3, bucket: aws.outputs.bucket },
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "broken" }]);
  });
});
