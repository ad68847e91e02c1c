import { describe, expect, it } from "vitest";
import { runBurstWithFaults } from "./burst-with-faults.js";

/** The small version of `npm run bench:reliability`, which runs 1,000 uploads and three kills. */
const COUNT = 100;

describe("a burst of uploads while a worker is SIGKILLed, with two indexers racing", () => {
  it(
    "indexes every upload exactly once, explained, with its upload's ETag, and dead-letters nothing",
    async () => {
      const run = await runBurstWithFaults({ count: COUNT, kills: 1, timeoutMs: 10 * 60_000 });
      const kill = run.timeline.find((entry) => entry.what.startsWith("kill 1:"));
      expect(kill?.what).toMatch(/SIGKILLed while on uploads\/burst\//);
      expect(run.attemptsPerImage).toBeGreaterThan(1);
      expect(run.indexerCrashes).toEqual([]);
      const { check } = run;
      expect(check.records).toHaveLength(COUNT);
      expect(check.duplicates).toEqual([]);
      expect(check.lost).toEqual([]);
      expect(check.unexpected).toEqual([]);
      expect(check.etagMismatches).toEqual([]);
      expect(check.failed).toEqual([]);
      expect(check.deadLetters).toBe(0);
      expect(check.passed).toBe(true);
    },
    15 * 60_000,
  );
});
