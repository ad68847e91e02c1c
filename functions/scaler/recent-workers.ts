import { ListJobsCommand, type BatchClient, type JobSummary } from "@aws-sdk/client-batch";
import type { FinishedWorker } from "./startup-failures.js";

/** Jobs read, newest first; each holds at least one worker, so this is more than any check here needs. */
const RECENT_JOBS = 20;
/** Pages (of 100) of an array's failed children read at most. */
const MAX_CHILD_PAGES = 10;

/**
 * The workers of one job definition revision that ended most recently, at least `wanted` of them when there are
 * that many: one ListJobs of the newest jobs (Batch sorts by creation when filtering), then, for each array job
 * that failed, one ListJobs of its failed children; its other children succeeded. Jobs still active are skipped.
 */
export async function recentFinishedWorkers(
  batch: Pick<BatchClient, "send">,
  jobQueue: string,
  jobDefinition: string,
  wanted: number,
): Promise<FinishedWorker[]> {
  const { jobSummaryList = [] } = await batch.send(
    new ListJobsCommand({
      jobQueue,
      filters: [{ name: "JOB_DEFINITION", values: [jobDefinition] }],
      maxResults: RECENT_JOBS,
    }),
  );
  const workers: FinishedWorker[] = [];
  for (const job of jobSummaryList) {
    if (workers.length >= wanted) break;
    const worker = finishedWorker(job);
    if (!worker) continue;
    const size = job.arrayProperties?.size;
    if (size === undefined) {
      workers.push(worker);
      continue;
    }
    const failed =
      worker.status === "FAILED"
        ? (await failedChildren(batch, worker.jobId)).flatMap((c) => finishedWorker(c) ?? [])
        : [];
    // The other children succeeded; more than `wanted` of them tell nothing more.
    const succeeded = Math.min(wanted, Math.max(0, size - failed.length));
    for (let i = 0; i < succeeded; i++) {
      workers.push({
        jobId: `${worker.jobId}:succeeded-${i}`,
        status: "SUCCEEDED",
        stoppedAt: worker.stoppedAt,
      });
    }
    workers.push(...failed);
  }
  return workers;
}

/** A job's outcome, if it has ended. */
function finishedWorker(job: JobSummary): FinishedWorker | undefined {
  const stoppedAt = job.stoppedAt ?? job.createdAt;
  if ((job.status !== "SUCCEEDED" && job.status !== "FAILED") || !job.jobId || stoppedAt === undefined) {
    return undefined;
  }
  return {
    jobId: job.jobId,
    status: job.status,
    startedAt: job.startedAt,
    stoppedAt,
    exitCode: job.container?.exitCode,
    statusReason: job.statusReason,
  };
}

async function failedChildren(batch: Pick<BatchClient, "send">, arrayJobId: string): Promise<JobSummary[]> {
  const children: JobSummary[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_CHILD_PAGES; page++) {
    const response = await batch.send(
      new ListJobsCommand({
        arrayJobId,
        jobStatus: "FAILED",
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    children.push(...(response.jobSummaryList ?? []));
    nextToken = response.nextToken;
    if (!nextToken) break;
  }
  return children;
}
