/**
 * When the scaler stops starting workers because recent ones failed at start-up: shared by the scaler
 * (functions/scaler/startup-failures.ts) and the alarm that reports the hold (infra/scaler-hold-alarm.ts).
 */

/** When the scaler holds back, and for how long. */
export interface StartupPolicy {
  /** Hold when this many of the latest workers, all of them, failed at start-up. */
  readonly failures: number;
  /** A worker that exits non-zero within this many seconds of starting failed at start-up. */
  readonly startupSeconds: number;
  /** Failures older than this (minutes) no longer count, so the scaler tries again after it. */
  readonly holdMinutes: number;
}

/**
 * Three failures in a row: one failed worker may be a bad instance; three of one job definition are its image, its
 * instance types or the AMI. Five minutes covers the worker's start-up (the backend loads, CNN_LENS_REQUIRE_GPU checks the
 * GPU) with room; a worker that ran longer took images and failed for another reason. An hour between tries keeps a
 * broken deployment from paying for GPU instances every minute.
 */
export const STARTUP_POLICY: StartupPolicy = { failures: 3, startupSeconds: 300, holdMinutes: 60 };

/** Why the scaler held back, in its log entry; the failure topic's alarm matches this text. */
export const STARTUP_HOLD_REASON = "startup-failures";
