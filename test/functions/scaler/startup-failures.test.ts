import { describe, expect, it } from "vitest";
import { STARTUP_HOLD_REASON, STARTUP_POLICY } from "../../../shared/config/scaler-startup-policy.js";
import {
  startupFailure,
  startupHold,
  type FinishedWorker,
} from "../../../functions/scaler/startup-failures.js";

const NOW = Date.UTC(2026, 3, 1, 12, 0, 0);
const minutesAgo = (minutes: number) => NOW - minutes * 60_000;

/** A worker that started at `startedAt` and ran `ranSeconds`, ending as it says. */
function worker(
  jobId: string,
  ended: {
    status?: "SUCCEEDED" | "FAILED";
    exitCode?: number;
    ranSeconds?: number;
    at?: number;
    reason?: string;
  },
): FinishedWorker {
  const stoppedAt = ended.at ?? minutesAgo(2);
  return {
    jobId,
    status: ended.status ?? "FAILED",
    startedAt: ended.ranSeconds === undefined ? undefined : stoppedAt - ended.ranSeconds * 1000,
    stoppedAt,
    exitCode: ended.exitCode,
    statusReason: ended.reason,
  };
}

const crashedAtStart = (jobId: string, at = minutesAgo(2)) =>
  worker(jobId, { exitCode: 1, ranSeconds: 25, at, reason: "Essential container in task exited" });

describe("startupFailure", () => {
  it("is a non-zero exit within the start-up window, as when CNN_LENS_REQUIRE_GPU finds no usable GPU", () => {
    expect(startupFailure(crashedAtStart("a"))).toBe("exit code 1 after 25 s");
    expect(startupFailure(worker("b", { exitCode: 134, ranSeconds: STARTUP_POLICY.startupSeconds }))).toBe(
      `exit code 134 after ${STARTUP_POLICY.startupSeconds} s`,
    );
  });

  it("is a container that could not be started at all", () => {
    const reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s)";
    expect(startupFailure(worker("a", { reason }))).toBe(reason);
    expect(
      startupFailure(worker("b", { reason: "ResourceInitializationError: unable to pull secrets" })),
    ).toMatch(/^ResourceInitializationError/);
  });

  it("is not a worker that ran past start-up, succeeded, exited 0, was reclaimed, cancelled or timed out", () => {
    const cases: FinishedWorker[] = [
      worker("long", { exitCode: 1, ranSeconds: STARTUP_POLICY.startupSeconds + 1 }),
      worker("ok", { status: "SUCCEEDED", exitCode: 0, ranSeconds: 10 }),
      worker("zero", { exitCode: 0, ranSeconds: 10 }),
      worker("spot", { ranSeconds: 30, reason: "Host EC2 (instance i-0abc) terminated." }),
      worker("cancelled", {
        reason: "Job state time limit reached: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
      }),
      worker("timeout", {
        exitCode: 137,
        ranSeconds: 240 * 60,
        reason: "Job attempt duration exceeded timeout",
      }),
    ];
    expect(cases.map((c) => [c.jobId, startupFailure(c)])).toEqual(cases.map((c) => [c.jobId, undefined]));
  });
});

describe("startupHold", () => {
  it("holds when the latest three workers all failed at start-up, until the oldest of them is an hour old", () => {
    const workers = [
      crashedAtStart("a", minutesAgo(1)),
      crashedAtStart("b", minutesAgo(3)),
      crashedAtStart("c", minutesAgo(5)),
    ];
    const hold = startupHold(workers, NOW);
    expect(hold).toEqual({
      reason: STARTUP_HOLD_REASON,
      message: expect.stringMatching(
        /^the last 3 workers failed at start-up \(exit code 1 after 25 s\); no workers are submitted until 2026-04-01T12:55:00\.000Z/,
      ),
      workers: ["a", "b", "c"].map((jobId) => ({ jobId, failure: "exit code 1 after 25 s" })),
      until: new Date(minutesAgo(5) + 60 * 60_000).toISOString(),
    });
    expect(STARTUP_POLICY).toEqual({ failures: 3, startupSeconds: 300, holdMinutes: 60 });
  });

  it("does not hold with fewer than three recent workers, or a success among the latest three", () => {
    expect(startupHold([crashedAtStart("a"), crashedAtStart("b")], NOW)).toBeUndefined();
    const success = worker("ok", { status: "SUCCEEDED", exitCode: 0, ranSeconds: 600, at: minutesAgo(2) });
    expect(
      startupHold(
        [
          crashedAtStart("a", minutesAgo(1)),
          success,
          crashedAtStart("b", minutesAgo(3)),
          crashedAtStart("c", minutesAgo(4)),
        ],
        NOW,
      ),
    ).toBeUndefined();
  });

  it("looks only at the latest three: older successes do not lift a hold", () => {
    const old = worker("ok", { status: "SUCCEEDED", exitCode: 0, ranSeconds: 600, at: minutesAgo(30) });
    const hold = startupHold(
      [
        old,
        crashedAtStart("a", minutesAgo(1)),
        crashedAtStart("b", minutesAgo(2)),
        crashedAtStart("c", minutesAgo(3)),
      ],
      NOW,
    );
    expect(hold?.workers.map((w) => w.jobId)).toEqual(["a", "b", "c"]);
  });

  it("ends when the failures are older than the hold: the scaler then tries again", () => {
    const workers = [
      crashedAtStart("a", minutesAgo(20)),
      crashedAtStart("b", minutesAgo(40)),
      crashedAtStart("c", minutesAgo(61)),
    ];
    expect(startupHold(workers, NOW)).toBeUndefined();
    expect(startupHold(workers, minutesAgo(2))).toBeDefined();
  });

  it("puts a success first among workers that ended at the same time, whatever the input order", () => {
    const at = minutesAgo(1);
    const tied = [crashedAtStart("a", at), crashedAtStart("b", at), crashedAtStart("c", at)];
    const success = worker("ok", { status: "SUCCEEDED", exitCode: 0, ranSeconds: 60, at });
    expect(startupHold([...tied, success], NOW)).toBeUndefined();
    expect(startupHold([success, ...tied], NOW)).toBeUndefined();
  });

  it("follows the policy it is given", () => {
    const policy = { failures: 1, startupSeconds: 10, holdMinutes: 5 };
    expect(
      startupHold([worker("a", { exitCode: 1, ranSeconds: 5, at: minutesAgo(1) })], NOW, policy),
    ).toBeDefined();
    expect(
      startupHold([worker("a", { exitCode: 1, ranSeconds: 20, at: minutesAgo(1) })], NOW, policy),
    ).toBeUndefined();
    expect(
      startupHold([worker("a", { exitCode: 1, ranSeconds: 5, at: minutesAgo(6) })], NOW, policy),
    ).toBeUndefined();
  });
});
