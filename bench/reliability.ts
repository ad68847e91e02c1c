/**
 * `npm run bench:reliability [-- --count N --kills K]`: a burst of 1,000 uploads on a fresh local deployment with
 * two workers and two index pollers, while a worker is SIGKILLed three times (and restarted). Then checks that the
 * index has exactly one explained record per upload, none lost, none duplicated, every summary's and record's
 * ETag equal to its upload's, and no dead letters; prints the throughput, the run's timeline and PASS or FAIL, and
 * exits with 1 on FAIL.
 */
import { parseArgs } from "node:util";
import { runBurstWithFaults, type TimelineEntry } from "../test/integration/burst-with-faults.js";
import { describeDelivery } from "../test/integration/delivery-check.js";

const { values } = parseArgs({
  options: { count: { type: "string", default: "1000" }, kills: { type: "string", default: "3" } },
});
const COUNT = Number(values.count);
const KILLS = Number(values.kills);
if (!Number.isInteger(COUNT) || COUNT < 1)
  throw new Error(`--count ${values.count} must be a whole number ≥ 1`);
if (!Number.isInteger(KILLS) || KILLS < 0)
  throw new Error(`--kills ${values.kills} must be a whole number ≥ 0`);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1).padStart(7)} s`;
const print = (entry: TimelineEntry) => console.log(`  ${seconds(entry.ms)}  ${entry.what}`);

console.log(
  `# bench:reliability — LocalStack, a burst of ${COUNT} uploads of 48×40 PNGs, a 32×32 seed-like CNN, ` +
    `2 worker processes (1 gradient thread each), 2 index pollers, ${KILLS} SIGKILLs of a worker`,
);
console.log("timeline (from the first upload):");
const run = await runBurstWithFaults({ count: COUNT, kills: KILLS, timeoutMs: 90 * 60_000, onEvent: print });

const indexed = run.check.records.map((record) => Date.parse(record.indexedAt) - run.startedAt);
const last = Math.max(...indexed);
console.log(`\nrecords indexed (workers on ${run.workerBackend}):`);
if (indexed.length > 0) {
  console.log(`  first record at ${seconds(Math.min(...indexed))}, last record at ${seconds(last)}`);
  const perMinute = new Map<number, number>();
  for (const ms of indexed)
    perMinute.set(Math.floor(ms / 60_000), (perMinute.get(Math.floor(ms / 60_000)) ?? 0) + 1);
  const kills = run.timeline.filter((entry) => entry.what.startsWith("kill "));
  for (const [minute, records] of [...perMinute].sort(([a], [b]) => a - b)) {
    const during = kills
      .filter((entry) => Math.floor(entry.ms / 60_000) === minute)
      .map((entry) => entry.what.split(":")[0]);
    console.log(
      `  minute ${String(minute + 1).padStart(3)}: ${String(records).padStart(5)} records${during.length > 0 ? `  (${during.join(", ")})` : ""}`,
    );
  }
  console.log(
    `  throughput ${(indexed.length / (last / 1000)).toFixed(2)} images/s (${indexed.length} from the first upload to the last record)`,
  );
}
console.log(
  `  images started per upload: ${run.attemptsPerImage.toFixed(3)}× (above 1: work redone after the kills, or repeated deliveries)`,
);
console.log(
  `  uploads started on a later receive of their message: ${run.receivedAgain} (the kills' images, and what the killed workers held)`,
);
for (const line of [...run.indexerCrashes, ...run.workerTrouble.slice(0, 5)])
  console.log(`  trouble: ${line}`);
console.log("\ncheck:");
for (const line of describeDelivery(run.check)) console.log(line);
process.exitCode = run.check.passed ? 0 : 1;
