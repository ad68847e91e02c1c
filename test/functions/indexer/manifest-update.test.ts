import { describe, expect, it } from "vitest";
import { evictionOf, withShard, withoutEvicted } from "../../../functions/indexer/manifest-update.js";
import type { ReportState } from "../../../shared/report/report-state.js";
import { combineTotals, emptyTotals, totalsOf } from "../../../shared/schema/index-totals.js";
import { emptyManifest, type Manifest } from "../../../shared/schema/manifest.js";
import { shardKey } from "../../../shared/storage/s3-layout.js";
import { syntheticRecord } from "../../fixtures/records.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const totals = (i: number) => totalsOf([syntheticRecord(i)]);

/** A manifest listing shards 0 … count-1, shard n changed at manifest revision n + 1. */
function listing(count: number): Manifest {
  let manifest = emptyManifest(NOW);
  for (let n = 0; n < count; n++)
    manifest = withShard(manifest, { key: shardKey(n), revision: 1, totals: totals(n) }, emptyTotals(), NOW);
  return manifest;
}

const report = (revision: number, sweepFrom: number): ReportState => ({
  revision,
  sweepFrom,
  generatedAt: NOW,
  complete: true,
});

describe("withShard", () => {
  it("moves the totals by the shard's new totals less what was counted for it, and bumps the revision", () => {
    const before = listing(2);
    const after = withShard(before, { key: shardKey(1), revision: 2, totals: totals(7) }, totals(1), NOW);
    expect(after.totals).toEqual(combineTotals(totals(0), totals(7)));
    expect(after.revision).toBe(before.revision + 1);
    expect(after.recent.find((entry) => entry.key === shardKey(1))).toMatchObject({
      revision: 2,
      changedAt: 3,
    });
    expect(after.shardCount).toBe(2);
  });
});

describe("evictionOf", () => {
  const limits = { soft: 3, hard: 5 };

  it("drops nothing at or below the soft limit", () => {
    expect(evictionOf(listing(3), report(0, 0), limits).evict).toEqual([]);
  });

  it("drops shards the report drew since their change, and those its sweep will look at, never the last", () => {
    const manifest = listing(8);
    const { evict, unrendered } = evictionOf(manifest, report(3, 6), limits);
    // Shards 0-2 changed at revisions 1-3 (drawn); 6 is swept; 7 is the last; 3-5 are neither.
    expect(evict.map((entry) => entry.key)).toEqual([0, 1, 2, 6].map(shardKey));
    expect(unrendered).toEqual({ shard: 6, at: manifest.revision });
    expect(withoutEvicted(manifest, { evict, unrendered }).recent.map((entry) => entry.key)).toEqual(
      [3, 4, 5, 7].map(shardKey),
    );
  });

  it("never drops the shard whose new state the update counts: its kept totals would run ahead if the update failed", () => {
    const manifest = listing(8);
    const evicted = evictionOf(manifest, report(0, 0), limits, shardKey(2)).evict.map((entry) => entry.key);
    expect(evicted).toEqual([0, 1, 3, 4, 5, 6].map(shardKey));
  });

  it("past the hard limit drops the oldest undrawn shards too, and notes the lowest for the report", () => {
    const manifest = listing(9);
    const { evict, unrendered } = evictionOf(manifest, report(0, 8), limits);
    expect(evict.map((entry) => entry.key)).toEqual([0, 1, 2, 3].map(shardKey));
    expect(unrendered).toEqual({ shard: 0, at: manifest.revision });
  });

  it("without a report drops every shard but the last (its first refresh sweeps them all)", () => {
    const manifest = listing(6);
    expect(evictionOf(manifest, undefined, limits).evict.map((entry) => entry.key)).toEqual(
      [0, 1, 2, 3, 4].map(shardKey),
    );
  });

  it("keeps a note the report has not seen, lowered by new undrawn drops; forgets one it has", () => {
    const noted = { ...listing(8), unrendered: { shard: 2, at: 5 } };
    expect(evictionOf(noted, report(4, 6), limits).unrendered).toEqual({ shard: 2, at: noted.revision });
    expect(evictionOf({ ...noted, recent: noted.recent.slice(0, 3) }, report(5, 6), limits).unrendered).toBe(
      null,
    );
  });
});
