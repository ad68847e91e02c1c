import type { Manifest } from "../schema/manifest.js";

/** The report is regenerated at most this often. */
export const REPORT_MIN_INTERVAL_MS = 60_000;

/**
 * The cloud refresh runs on a one-minute EventBridge schedule, which already bounds the rate; its invocations
 * start up to a few seconds early or late, so the throttle there allows this much slack (without it, every
 * other run would find the last report 59.9 s old and skip, and the report would lag two minutes).
 */
export const SCHEDULE_JITTER_MS = 10_000;

/**
 * A number that grows with every change to the index: the manifest's revision (a v1 manifest is read with the sum
 * of its shards' revisions as one). The report is stamped with the revision it was built from.
 */
export function manifestRevision(manifest: Manifest): number {
  return manifest.revision;
}

/** What is known of the report last generated, if any. */
export interface LastReport {
  readonly generatedAt: Date;
  readonly revision: number;
  /** False when that refresh ran out of time with work left. @default true */
  readonly complete?: boolean;
}

/**
 * Whether to regenerate the report now: only when the index changed since the last one, and at least
 * `minIntervalMs` after it, so that a burst of images costs one regeneration a minute, never one per image;
 * but at once when the last refresh ran out of time with work left.
 */
export function shouldRegenerateReport(options: {
  readonly now: Date;
  readonly revision: number;
  readonly last: LastReport | undefined;
  readonly minIntervalMs?: number;
}): boolean {
  const { now, revision, last } = options;
  if (!last || last.complete === false) return true;
  if (revision === last.revision) return false;
  return now.getTime() - last.generatedAt.getTime() >= (options.minIntervalMs ?? REPORT_MIN_INTERVAL_MS);
}

/** The event the schedule sends the index Lambda to refresh the report. */
export const REFRESH_REPORT_EVENT = { task: "refresh-report" } as const;

/** Whether an event asks for a report refresh (rather than being a batch of index messages). */
export function isRefreshReportEvent(event: unknown): event is typeof REFRESH_REPORT_EVENT {
  return (event as { task?: unknown } | null)?.task === REFRESH_REPORT_EVENT.task;
}
