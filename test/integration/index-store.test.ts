import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { handleIndexEvent } from "../../functions/indexer/handler.js";
import { Deadline, DeadlineExceededError, type Clock } from "../../functions/indexer/deadline.js";
import { IndexStore } from "../../functions/indexer/index-store.js";
import { writeShard } from "../../shared/index/record-shard.js";
import { refreshReport } from "../../functions/indexer/report-refresh.js";
import { mulberry32 } from "../../shared/mulberry32.js";
import { reportStateOf } from "../../shared/report/report-state.js";
import type { IndexRecord } from "../../shared/schema/index-record.js";
import { countsOf, totalsOf } from "../../shared/schema/index-totals.js";
import {
  MANIFEST_KEY,
  REPORT_KEY,
  reportDataKey,
  shardKey,
  SHARD_TOTALS_PREFIX,
  summaryKeyFor,
} from "../../shared/storage/s3-layout.js";
import { syntheticRecord } from "../fixtures/records.js";
import { dataFileContents } from "../report/report-files.js";
import { handMadeSummary } from "../fixtures/summaries.js";
import { LocalBucket } from "./local-bucket.js";

/** A clock whose sleeps only yield, so that retries race quickly. */
const QUICK: Clock = { now: () => 0, sleep: () => new Promise((resolve) => setImmediate(resolve)) };
const NO_DEADLINE = new Deadline(Number.POSITIVE_INFINITY, QUICK);

/** Image `i` with the result of `variant`: the same key explained again, differently. */
function resultOf(i: number, variant: number): IndexRecord {
  return { ...syntheticRecord(variant), key: syntheticRecord(i).key };
}

/** Every record in the store's shards, read directly. */
async function everyRecord(store: IndexStore): Promise<IndexRecord[]> {
  return store.readRecords((await store.readManifest()).manifest);
}

describe("IndexStore against a real LocalStack", () => {
  it.each([1, 5, 11])(
    "keeps exact totals and a bounded manifest through racing indexers, repeats, re-explained images, crashes and refreshes (seed %i)",
    async (seed) => {
      const s3 = await LocalBucket.create();
      const next = mulberry32(seed);
      const store = () =>
        new IndexStore(s3.client, s3.name, {
          deadline: NO_DEADLINE,
          shardCapacity: 8,
          recentShards: 3,
          maxRecentShards: 5,
        });
      // Crashes anywhere in a batch's writes (markers, shards, kept shard totals, the manifest), one in 16.
      s3.intercept = (command, key) => {
        if (command === "Put" && key.startsWith("index/") && key !== REPORT_KEY && next() < 1 / 16)
          throw Object.assign(new Error("crash"), { $metadata: { httpStatusCode: 500 } });
      };
      let refreshes = 0;
      const indexer = async (batches: IndexRecord[][]) => {
        for (const batch of batches) {
          // A failed batch is delivered again, as SQS does, until it goes through.
          for (let attempt = 0; ; attempt++) {
            try {
              await store().put(batch);
              break;
            } catch (error) {
              expect((error as Error).message).toMatch(/crash/);
              expect(attempt).toBeLessThan(50);
            }
          }
          if (next() < 0.2) {
            await refreshReport({ s3: s3.client, bucket: s3.name, force: true, deadline: NO_DEADLINE }).catch(
              (error: Error) => expect(error.message).toMatch(/crash/),
            );
            refreshes++;
          }
        }
      };
      const batches = Array.from({ length: 60 }, (_, b) =>
        Array.from({ length: 5 }, (_, j) =>
          // Mostly new images, some explained again, some exact repeats.
          next() < 0.75 ? resultOf(b * 5 + j, b * 5 + j) : resultOf(Math.floor(next() * b * 5), 1000 + b),
        ),
      );
      await Promise.all([
        indexer(batches.slice(0, 30)),
        indexer(batches.slice(30)),
        indexer(batches.slice(10, 20)),
      ]);
      s3.intercept = undefined;

      const records = await everyRecord(store());
      const { manifest } = await store().readManifest();
      expect(new Set(records.map((record) => record.key)).size).toBe(records.length);
      expect(manifest.totals).toEqual(totalsOf(records));
      expect(manifest.recent.length).toBeLessThanOrEqual(5);
      // Many more shards than the manifest may list, so shards were evicted and their totals kept aside.
      expect(manifest.shardCount).toBeGreaterThan(2 * 5);
      expect((await s3.keys(SHARD_TOTALS_PREFIX)).length).toBeGreaterThan(10);
      expect(refreshes).toBeGreaterThan(3);

      // One more refresh brings every data file to its shard's revision.
      const last = await refreshReport({
        s3: s3.client,
        bucket: s3.name,
        force: true,
        deadline: NO_DEADLINE,
      });
      expect(last).toMatchObject({ generated: true, upToDate: true, revision: manifest.revision });
      for (let n = 0; n < manifest.shardCount; n++) {
        const shard = await store().readShardWithRevision(shardKey(n));
        expect(dataFileContents((await s3.text(reportDataKey(n))) ?? "").revision).toBe(shard?.revision);
      }
    },
  );

  it("is idempotent: the same batch again writes nothing", async () => {
    const s3 = await LocalBucket.create();
    const store = new IndexStore(s3.client, s3.name, { deadline: NO_DEADLINE });
    const batch = Array.from({ length: 10 }, (_, i) => syntheticRecord(i));
    await store.put(batch);
    const before = s3.calls.length;
    await store.put(batch);
    expect(s3.calls.slice(before).filter((call) => call.command === "Put")).toEqual([]);
    expect((await store.readManifest()).manifest.totals).toEqual(totalsOf(batch));
  });

  it("gives up at the deadline, as a retryable error, when it keeps losing the manifest's race", async () => {
    const s3 = await LocalBucket.create();
    let now = 0;
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
    s3.intercept = (command, key) => {
      if (command === "Put" && key === MANIFEST_KEY)
        throw Object.assign(new Error("PreconditionFailed"), {
          name: "PreconditionFailed",
          $metadata: { httpStatusCode: 412 },
        });
    };
    const deadline = new Deadline(5_000, clock);
    const store = new IndexStore(s3.client, s3.name, { deadline });
    const failure = await store.put([syntheticRecord(0)]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeadlineExceededError);
    expect((failure as Error).message).toMatch(
      /gave up updating the manifest \(lost \d+ races\) at the deadline/,
    );
    expect(now).toBeLessThanOrEqual(5_000);
    expect(now).toBeGreaterThan(2_000);
    expect(
      s3.calls.filter((call) => call.command === "Put" && call.key === MANIFEST_KEY).length,
    ).toBeGreaterThan(5);

    // The handler reports every message of such a batch for SQS to retry.
    const key = "uploads/a.png";
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.name,
        Key: summaryKeyFor(key),
        Body: JSON.stringify(handMadeSummary(0, key)),
      }),
    );
    now = 0;
    const body = JSON.stringify({
      Records: [
        {
          eventName: "ObjectCreated:Put",
          s3: { bucket: { name: s3.name }, object: { key: summaryKeyFor(key) } },
        },
      ],
    });
    const response = await handleIndexEvent(
      { Records: [{ messageId: "m1", body }] },
      { s3: s3.client, bucket: s3.name, deadline: new Deadline(5_000, clock) },
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
  });

  it("reads a v1 manifest, and upgrades it on its next write with totals counted from every shard", async () => {
    const s3 = await LocalBucket.create();
    const old = Array.from({ length: 20 }, (_, i) => syntheticRecord(i));
    const shards = [old.slice(0, 12), old.slice(12)];
    for (const [n, records] of shards.entries())
      await writeShard(s3.client, s3.name, shardKey(n), records, 3, undefined);
    const counts = countsOf(totalsOf(old));
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.name,
        Key: MANIFEST_KEY,
        Body: JSON.stringify({
          schemaVersion: 1,
          updatedAt: "2026-01-01T00:00:00.000Z",
          totals: counts,
          shards: shards.map((records, n) => ({
            key: shardKey(n),
            revision: 3,
            counts: countsOf(totalsOf(records)),
          })),
        }),
      }),
    );
    // A report from before the data files: its revision was the sum of the shards' revisions.
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.name,
        Key: REPORT_KEY,
        Body: "<html></html>",
        Metadata: { revision: "6", "generated-at": "2026-01-01T00:00:00.000Z" },
      }),
    );
    const store = new IndexStore(s3.client, s3.name, { deadline: NO_DEADLINE, shardCapacity: 12 });
    const read = await store.readManifest();
    expect(read.v1).toBeDefined();
    expect(read.manifest).toMatchObject({ revision: 6, shardCount: 2, totals: { records: 20 } });
    expect(await store.readRecords(read.manifest)).toEqual(old);

    await store.put([syntheticRecord(20)]);
    const upgraded = await store.readManifest();
    expect(upgraded.v1).toBeUndefined();
    expect(upgraded.manifest.schemaVersion).toBe(2);
    expect(upgraded.manifest.revision).toBeGreaterThan(6);
    expect(upgraded.manifest.totals).toEqual(totalsOf([...old, syntheticRecord(20)]));

    // The old report is seen as drawn with no data files, so the next refresh sweeps every shard.
    expect(reportStateOf(await s3.metadata(REPORT_KEY))).toMatchObject({ revision: 6, sweepFrom: 0 });
    const refresh = await refreshReport({ s3: s3.client, bucket: s3.name, deadline: NO_DEADLINE });
    expect(refresh).toMatchObject({ generated: true, upToDate: true, dataFiles: 2 });
  });
});
