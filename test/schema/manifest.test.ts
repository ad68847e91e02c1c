import { describe, expect, it } from "vitest";
import { emptyTotals, totalsOf } from "../../shared/schema/index-totals.js";
import {
  checkedManifest,
  emptyManifest,
  ManifestSchemaError,
  parseManifest,
} from "../../shared/schema/manifest.js";
import { shardKey } from "../../shared/storage/s3-layout.js";
import { syntheticRecord } from "../fixtures/records.js";

const NOW = new Date("2026-01-01T00:00:00Z");

describe("parseManifest", () => {
  it("reads schema v2 as written", () => {
    const manifest = {
      ...emptyManifest(NOW),
      revision: 3,
      shardCount: 1,
      totals: totalsOf([syntheticRecord(0)]),
      recent: [{ key: shardKey(0), revision: 2, changedAt: 3, totals: totalsOf([syntheticRecord(0)]) }],
    };
    expect(parseManifest(JSON.parse(JSON.stringify(manifest)))).toEqual({ manifest });
  });

  it("still reads v1, seen as v2: shards numbered from 0, revision the sum of theirs, its counts as totals", () => {
    const counts = {
      records: 3,
      byStatus: { explained: 3 },
      byPredictedLabel: { rust: 3 },
      byModel: { m: 3 },
    };
    const v1 = {
      schemaVersion: 1,
      updatedAt: NOW.toISOString(),
      totals: counts,
      shards: [
        { key: shardKey(0), revision: 4, counts },
        { key: shardKey(1), revision: 2, counts: { ...counts, records: 0 } },
      ],
    };
    const { manifest, v1: read } = parseManifest(v1);
    expect(read).toEqual(v1);
    expect(manifest).toMatchObject({ schemaVersion: 2, revision: 6, shardCount: 2, recent: [] });
    expect(manifest.totals).toEqual({ ...emptyTotals(), ...counts });
  });

  it("refuses other versions and bad fields, naming the version or each bad field", () => {
    expect(() => parseManifest({ schemaVersion: 3 })).toThrow(
      /schemaVersion 3; this cnn-lens reads versions 1 and 2: upgrade cnn-lens/,
    );
    expect(() => parseManifest({ ...emptyManifest(NOW), shardCount: -1 })).toThrow(ManifestSchemaError);
    expect(() => parseManifest({ ...emptyManifest(NOW), shardCount: -1 })).toThrow(/shardCount/);
  });

  it("is checked before it is written", () => {
    const negative = { ...emptyManifest(NOW), totals: { ...emptyTotals(), byStatus: { failed: -1 } } };
    expect(() => checkedManifest(negative)).toThrow(/totals\.byStatus\.failed/);
  });
});
