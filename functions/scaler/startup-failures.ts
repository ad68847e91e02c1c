import {
  STARTUP_HOLD_REASON,
  STARTUP_POLICY,
  type StartupPolicy,
} from "../../shared/config/scaler-startup-policy.js";

/** A worker job that has ended, as much of its Batch job summary as the start-up check reads. */
export interface FinishedWorker {
  readonly jobId: string;
  readonly status: "SUCCEEDED" | "FAILED";
  /** When its container started (ms since the epoch); absent if it never ran. */
  readonly startedAt?: number | undefined;
  /** When it ended (ms since the epoch). */
  readonly stoppedAt: number;
  readonly exitCode?: number | undefined;
  /** Batch's reason, e.g. "Essential container in task exited" or "CannotPullContainerError: …". */
  readonly statusReason?: string | undefined;
}

/** Batch's status reasons for a container that could not be started at all. */
const NEVER_STARTED =
  /^(CannotPullContainerError|CannotCreateContainerError|CannotStartContainerError|CannotInspectContainerError|ResourceInitializationError)\b/;

/**
 * How a worker failed at start-up, or undefined if it did not: its container could not be started, or it exited
 * non-zero within `startupSeconds` of starting (the worker exits 1 when CNN_LENS_REQUIRE_GPU finds no usable GPU, or when
 * CUDA does not match the driver). A Spot reclaim, a cancel while it waited for capacity and the attempt timeout
 * are not start-up failures: none of them leaves an exit code from a short run.
 */
export function startupFailure(
  worker: FinishedWorker,
  policy: StartupPolicy = STARTUP_POLICY,
): string | undefined {
  if (worker.status !== "FAILED") return undefined;
  if (worker.statusReason && NEVER_STARTED.test(worker.statusReason)) return worker.statusReason;
  if (worker.startedAt === undefined || worker.exitCode === undefined || worker.exitCode === 0)
    return undefined;
  const ranSeconds = Math.max(0, Math.round((worker.stoppedAt - worker.startedAt) / 1000));
  if (ranSeconds > policy.startupSeconds) return undefined;
  return `exit code ${worker.exitCode} after ${ranSeconds} s`;
}

/** The scaler's reason not to submit workers. */
export interface StartupHold {
  readonly reason: typeof STARTUP_HOLD_REASON;
  /** What the log says, in one sentence. */
  readonly message: string;
  /** The failures that hold it, latest first. */
  readonly workers: readonly { readonly jobId: string; readonly failure: string }[];
  /** When the oldest of them stops counting and the scaler tries again (ISO 8601). */
  readonly until: string;
}

/**
 * Whether to hold back: when the latest `policy.failures` workers that ended within the last `holdMinutes` all
 * failed at start-up. A success among them, or fewer of them, lets the scaler submit. Workers of another job
 * definition must be left out by the caller: a redeployed image gets a new revision, and with it a fresh start.
 */
export function startupHold(
  workers: readonly FinishedWorker[],
  now: number,
  policy: StartupPolicy = STARTUP_POLICY,
): StartupHold | undefined {
  const since = now - policy.holdMinutes * 60_000;
  const latest = workers
    .filter((worker) => worker.stoppedAt >= since)
    // Latest first; at the same time a success first, so that it is never crowded out by failures.
    .sort(
      (a, b) =>
        b.stoppedAt - a.stoppedAt || Number(b.status === "SUCCEEDED") - Number(a.status === "SUCCEEDED"),
    )
    .slice(0, policy.failures);
  if (latest.length < policy.failures) return undefined;
  const failures: { jobId: string; failure: string }[] = [];
  for (const worker of latest) {
    const failure = startupFailure(worker, policy);
    if (failure === undefined) return undefined;
    failures.push({ jobId: worker.jobId, failure });
  }
  const oldest = Math.min(...latest.map((worker) => worker.stoppedAt));
  const until = new Date(oldest + policy.holdMinutes * 60_000).toISOString();
  return {
    reason: STARTUP_HOLD_REASON,
    message:
      `the last ${latest.length} workers failed at start-up (${failures[0]?.failure}); no workers are submitted ` +
      `until ${until}, or until a deployment changes the job definition. Their logs say why.`,
    workers: failures,
    until,
  };
}
