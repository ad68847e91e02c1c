import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../shared/mulberry32.js";
import type { IndexRecord } from "../../shared/schema/index-record.js";
import {
  combineTotals,
  emptyTotals,
  totalsOf,
  TotalsSchema,
  type Totals,
} from "../../shared/schema/index-totals.js";
import { syntheticRecord } from "../fixtures/records.js";

/** Record `i`'s key with the result of `variant` (the same key, explained again differently). */
function resultOf(i: number, variant: number): IndexRecord {
  return { ...syntheticRecord(variant), key: syntheticRecord(i).key };
}

describe("totalsOf", () => {
  it("counts by status, label and model, the confusion of labelled explained images, and their histograms", () => {
    const records = Array.from({ length: 700 }, (_, i) => syntheticRecord(i));
    const totals = totalsOf(records);
    const explained = records.filter((record) => record.status === "explained");
    const labelled = explained.filter((record) => record.actualLabels !== null);
    expect(totals.records).toBe(700);
    expect(totals.byStatus).toEqual({ explained: explained.length, failed: 700 - explained.length });
    expect(totals.labelled).toBe(labelled.length);
    expect(totals.misclassified).toBe(records.filter((record) => record.misclassified === true).length);
    const rust = totals.confusion.rust;
    expect(rust.truePositives).toBe(
      labelled.filter((r) => r.actualLabels?.includes("rust") && r.predictedLabels.includes("rust")).length,
    );
    expect(rust.falsePositives).toBe(
      labelled.filter((r) => !r.actualLabels?.includes("rust") && r.predictedLabels.includes("rust")).length,
    );
    const binned = (histogram: Totals["processingMs"]) =>
      Object.values(histogram.bins).reduce((a, b) => a + b, histogram.nonPositive);
    expect(binned(totals.processingMs)).toBe(explained.length);
    expect(binned(totals.completenessError)).toBe(explained.length);
    expect(TotalsSchema.parse(totals)).toEqual(totals);
  });
});

describe("combineTotals", () => {
  it("is exact: totals kept by adding and replacing shards over many batches equal the totals of every record", () => {
    const next = mulberry32(7);
    const shards: IndexRecord[][] = Array.from({ length: 12 }, () => []);
    let running = emptyTotals();
    for (let batch = 0; batch < 400; batch++) {
      const shard = Math.floor(next() * shards.length);
      const before = totalsOf(shards[shard]);
      const byKey = new Map(shards[shard].map((record) => [record.key, record]));
      for (let j = 0; j < 10; j++) {
        // New keys mostly, some keys explained again with another result.
        const i = next() < 0.7 ? batch * 10 + j : Math.floor(next() * batch * 10);
        const record = resultOf(i, Math.floor(next() * 1000));
        if (next() < 0.7 || byKey.has(record.key)) byKey.set(record.key, record);
      }
      shards[shard] = [...byKey.values()];
      running = combineTotals(combineTotals(running, before, -1), totalsOf(shards[shard]));
    }
    expect(running).toEqual(totalsOf(shards.flat()));
    expect(TotalsSchema.parse(running)).toEqual(running);
  });

  it("subtracts to the empty totals, dropping every emptied entry", () => {
    const totals = totalsOf(Array.from({ length: 50 }, (_, i) => syntheticRecord(i)));
    expect(combineTotals(totals, totals, -1)).toEqual(emptyTotals());
  });
});
