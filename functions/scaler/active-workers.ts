/** The job statuses of a worker that is queued, or holds or is about to hold an instance. */
export const ACTIVE_JOB_STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"] as const;
export type ActiveJobStatus = (typeof ACTIVE_JOB_STATUSES)[number];

/** The part of a Batch job summary (ListJobs) or job detail (DescribeJobs) that counting workers reads. */
export interface JobLike {
  readonly jobId?: string | undefined;
  readonly arrayProperties?:
    | {
        /** Set on array parents: how many children. */
        readonly size?: number | undefined;
        /** Set on array children: their place in the parent. */
        readonly index?: number | undefined;
        /** Set on array parents: children per status. */
        readonly statusSummary?: Record<string, number> | undefined;
      }
    | undefined;
}

const isParent = (job: JobLike) => job.arrayProperties?.size !== undefined;
const isChild = (job: JobLike) => job.arrayProperties?.index !== undefined;

/** Array parents whose children's statuses the listing left out, so DescribeJobs must give them. */
export function parentsWithoutStatusSummary(jobs: readonly JobLike[]): string[] {
  return jobs
    .filter((job) => isParent(job) && !job.arrayProperties?.statusSummary && job.jobId)
    .map((job) => job.jobId as string);
}

/**
 * Workers that are active among jobs listed in the active statuses: a plain job is one worker; an array parent
 * (which itself is only ever SUBMITTED or PENDING) counts its children in active statuses, or all of them while
 * it has no status summary yet; array children are left out because their parent counts them. A job listed twice
 * counts once.
 */
export function countActiveWorkers(jobs: readonly JobLike[]): number {
  // A job whose status changed between two listings can appear in both; the last one seen counts.
  const unique = new Map<string | symbol, JobLike>();
  for (const job of jobs) unique.set(job.jobId ?? Symbol(), job);
  let active = 0;
  for (const job of unique.values()) {
    if (isChild(job)) continue;
    if (!isParent(job)) {
      active += 1;
      continue;
    }
    const summary = job.arrayProperties?.statusSummary;
    active += summary
      ? ACTIVE_JOB_STATUSES.reduce((sum, status) => sum + (summary[status] ?? 0), 0)
      : (job.arrayProperties?.size ?? 0);
  }
  return active;
}
