import { describe, expect, it } from "vitest";
import { emptyManifest, type Manifest } from "../../shared/schema/manifest.js";
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
  it("sums the shards' revisions, so any shard write raises it", () => {
    const counts = emptyManifest(at(0)).totals;
    const manifest: Manifest = {
      ...emptyManifest(at(0)),
      shards: [
        { key: "a", revision: 4, counts },
        { key: "b", revision: 2, counts },
      ],
    };
    expect(manifestRevision(emptyManifest(at(0)))).toBe(0);
    expect(manifestRevision(manifest)).toBe(6);
  });
});
