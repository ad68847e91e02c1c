import { describe, expect, it } from "vitest";
import { withShard } from "../../../functions/indexer/manifest-update.js";
import { refreshPlan } from "../../../functions/indexer/report-plan.js";
import { emptyTotals } from "../../../shared/schema/index-totals.js";
import { emptyManifest, type Manifest } from "../../../shared/schema/manifest.js";
import { shardKey } from "../../../shared/storage/s3-layout.js";

const NOW = new Date("2026-01-01T00:00:00Z");

function changed(manifest: Manifest, n: number, revision: number): Manifest {
  return withShard(manifest, { key: shardKey(n), revision, totals: emptyTotals() }, emptyTotals(), NOW);
}

describe("refreshPlan", () => {
  it("first sweeps every shard", () => {
    const manifest = changed(changed(emptyManifest(NOW), 0, 1), 1, 1);
    expect(refreshPlan(manifest, undefined)).toEqual({ changed: [], sweepFrom: 0 });
  });

  it("then draws only the listed shards changed since, and sweeps from the last shard it saw", () => {
    let manifest = emptyManifest(NOW);
    for (let n = 0; n < 5; n++) manifest = changed(manifest, n, 1);
    const last = { revision: manifest.revision, generatedAt: NOW, sweepFrom: 4, complete: true };
    manifest = changed(manifest, 1, 2);
    manifest = changed(manifest, 5, 1);
    expect(refreshPlan(manifest, last)).toEqual({ changed: [{ shard: 1, revision: 2 }], sweepFrom: 4 });
  });

  it("sweeps from the manifest's unrendered note when it is newer than the last report", () => {
    const manifest = {
      ...changed(emptyManifest(NOW), 9, 1),
      shardCount: 10,
      unrendered: { shard: 3, at: 7 },
    };
    const last = (revision: number) => ({ revision, generatedAt: NOW, sweepFrom: 9, complete: true });
    expect(refreshPlan(manifest, last(6)).sweepFrom).toBe(3);
    expect(refreshPlan(manifest, last(7)).sweepFrom).toBe(9);
  });
});
