import { describe, expect, it } from "vitest";
import { emptyManifest, parseManifest } from "../../shared/schema/manifest.js";
import { shardKey } from "../../shared/storage/s3-layout.js";
import {
  manifestRevision,
  REPORT_MIN_INTERVAL_MS,
  SCHEDULE_JITTER_MS,
  shouldRegenerateReport,
} from "../../shared/report/regeneration.js";

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe("shouldRegenerateReport", () => {
  it("generates the first report at once", () => {
    expect(shouldRegenerateReport({ now: at(0), revision: 0, last: undefined })).toBe(true);
  });

  it("waits a minute after the last report however many images arrive, then catches up", () => {
    const last = { generatedAt: at(0), revision: 3 };
    expect(shouldRegenerateReport({ now: at(1), revision: 4, last })).toBe(false);
    expect(shouldRegenerateReport({ now: at(59), revision: 900, last })).toBe(false);
    expect(shouldRegenerateReport({ now: at(60), revision: 900, last })).toBe(true);
  });

  it("never regenerates an unchanged index, however long ago", () => {
    const last = { generatedAt: at(0), revision: 3 };
    expect(shouldRegenerateReport({ now: at(3600), revision: 3, last })).toBe(false);
  });

  it("counts at most one regeneration per minute over a stream of one image a second", () => {
    let last: { generatedAt: Date; revision: number } | undefined;
    let generated = 0;
    for (let second = 0; second < 600; second++) {
      const now = at(second);
      if (shouldRegenerateReport({ now, revision: second + 1, last })) {
        generated++;
        last = { generatedAt: now, revision: second + 1 };
      }
    }
    expect(generated).toBe(10);
  });
});

describe("the cloud schedule's slack", () => {
  it("lets a run that starts a little early refresh a report the previous run wrote", () => {
    const last = { generatedAt: at(0), revision: 1 };
    const slightlyEarly = new Date(at(60).getTime() - 100);
    expect(shouldRegenerateReport({ now: slightlyEarly, revision: 2, last })).toBe(false);
    expect(
      shouldRegenerateReport({
        now: slightlyEarly,
        revision: 2,
        last,
        minIntervalMs: REPORT_MIN_INTERVAL_MS - SCHEDULE_JITTER_MS,
      }),
    ).toBe(true);
    expect(
      shouldRegenerateReport({
        now: at(30),
        revision: 2,
        last,
        minIntervalMs: REPORT_MIN_INTERVAL_MS - SCHEDULE_JITTER_MS,
      }),
    ).toBe(false);
  });
});

describe("manifestRevision", () => {
  it("is the manifest's revision, bumped by every change; for v1, the sum of the shards' revisions", () => {
    expect(manifestRevision(emptyManifest(at(0)))).toBe(0);
    const counts = { records: 0, byStatus: {}, byPredictedLabel: {}, byModel: {} };
    const v1 = {
      schemaVersion: 1,
      updatedAt: at(0).toISOString(),
      totals: counts,
      shards: [
        { key: shardKey(0), revision: 4, counts },
        { key: shardKey(1), revision: 2, counts },
      ],
    };
    expect(manifestRevision(parseManifest(v1).manifest)).toBe(6);
  });
});

describe("a refresh that ran out of time", () => {
  it("is followed by the next at once, without waiting out the minute or for a change", () => {
    const last = { generatedAt: at(0), revision: 3, complete: false };
    expect(shouldRegenerateReport({ now: at(1), revision: 3, last })).toBe(true);
  });
});
