import {
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  type BatchClient,
  type JobSummary,
} from "@aws-sdk/client-batch";
import { GetQueueAttributesCommand, type QueueAttributeName, type SQSClient } from "@aws-sdk/client-sqs";
import {
  ACTIVE_JOB_STATUSES,
  countActiveWorkers,
  parentsWithoutStatusSummary,
  type JobLike,
} from "./active-workers.js";
import { recentFinishedWorkers } from "./recent-workers.js";
import type { ScalerSettings } from "../../shared/config/scaler-settings.js";
import { STARTUP_POLICY } from "../../shared/config/scaler-startup-policy.js";
import { startupHold, type StartupHold } from "./startup-failures.js";
import { targetWorkers, workersToSubmit } from "./worker-count.js";

export interface ScalerDependencies {
  readonly sqs: Pick<SQSClient, "send">;
  readonly batch: Pick<BatchClient, "send">;
  readonly log?: (entry: Record<string, unknown>) => void;
  /** The clock, in ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** What one run saw and did. */
export interface ScaleDecision {
  readonly queueDepth: number;
  /** Left out when the queue is empty: Batch is not asked then. */
  readonly activeWorkers?: number;
  readonly targetWorkers: number;
  readonly submitted: number;
  readonly jobId?: string;
  /** Why no worker was submitted although some were wanted: the latest workers failed at start-up. */
  readonly hold?: StartupHold;
}

/** ListJobs pages (of 100) read per status at most; more jobs than that means there is no room anyway. */
const MAX_PAGES_PER_STATUS = 10;
/** DescribeJobs takes at most 100 job ids. */
const DESCRIBE_BATCH = 100;

/**
 * One scaling step, run every minute: reads the work queue's depth, and when there is work, counts the active
 * workers and submits the missing ones as one array job (a plain job for one), unless the latest workers of this
 * job definition failed at start-up (see startup-failures.ts): then it submits none and logs why. Batch calls per
 * run: none when the queue is empty; otherwise one ListJobs per active status (five), a DescribeJobs only for
 * array parents whose listing lacks a status summary, and when workers are missing one ListJobs of the latest
 * jobs (plus one per failed array job among them) and at most one SubmitJob.
 */
export async function scaleWorkers(
  settings: ScalerSettings,
  dependencies: ScalerDependencies,
): Promise<ScaleDecision> {
  const { sqs, batch, log = () => {}, now = Date.now } = dependencies;
  const queueDepth = await readQueueDepth(sqs, settings.workQueueUrl);
  const sizing = { queueDepth, maxWorkers: settings.maxWorkers, imagesPerWorker: settings.imagesPerWorker };
  const target = targetWorkers(sizing);
  if (target === 0) {
    const decision: ScaleDecision = { queueDepth, targetWorkers: 0, submitted: 0 };
    log({ event: "scale", ...decision });
    return decision;
  }

  const listed = await listActiveJobs(batch, settings.jobQueue);
  const described = await describeJobs(batch, parentsWithoutStatusSummary(listed));
  const activeWorkers = countActiveWorkers([...listed, ...described]);
  const missing = workersToSubmit({ ...sizing, activeWorkers });
  const hold =
    missing > 0
      ? startupHold(
          await recentFinishedWorkers(
            batch,
            settings.jobQueue,
            settings.jobDefinition,
            STARTUP_POLICY.failures,
          ),
          now(),
        )
      : undefined;
  const submitted = hold ? 0 : missing;
  let jobId: string | undefined;
  if (submitted > 0) {
    const response = await batch.send(
      new SubmitJobCommand({
        jobName: settings.jobName,
        jobQueue: settings.jobQueue,
        jobDefinition: settings.jobDefinition,
        // Batch array jobs have 2 to 10,000 children; one worker is a plain job.
        ...(submitted >= 2 ? { arrayProperties: { size: submitted } } : {}),
      }),
    );
    jobId = response.jobId;
  }
  const decision: ScaleDecision = {
    queueDepth,
    activeWorkers,
    targetWorkers: target,
    submitted,
    ...(jobId ? { jobId } : {}),
    ...(hold ? { hold } : {}),
  };
  log({ event: "scale", ...decision });
  return decision;
}

/** Messages waiting plus messages in flight (held by a worker). */
async function readQueueDepth(sqs: Pick<SQSClient, "send">, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  const count = (name: QueueAttributeName) => {
    const value = Number(Attributes[name] ?? 0);
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`the work queue reported ${name}=${JSON.stringify(Attributes[name])}`);
    }
    return value;
  };
  return count("ApproximateNumberOfMessages") + count("ApproximateNumberOfMessagesNotVisible");
}

async function listActiveJobs(batch: Pick<BatchClient, "send">, jobQueue: string): Promise<JobSummary[]> {
  const jobs: JobSummary[] = [];
  for (const jobStatus of ACTIVE_JOB_STATUSES) {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES_PER_STATUS; page++) {
      const response = await batch.send(
        new ListJobsCommand({ jobQueue, jobStatus, maxResults: 100, ...(nextToken ? { nextToken } : {}) }),
      );
      jobs.push(...(response.jobSummaryList ?? []));
      nextToken = response.nextToken;
      if (!nextToken) break;
    }
  }
  return jobs;
}

async function describeJobs(batch: Pick<BatchClient, "send">, jobIds: readonly string[]): Promise<JobLike[]> {
  const jobs: JobLike[] = [];
  for (let start = 0; start < jobIds.length; start += DESCRIBE_BATCH) {
    const response = await batch.send(
      new DescribeJobsCommand({ jobs: jobIds.slice(start, start + DESCRIBE_BATCH) }),
    );
    jobs.push(...(response.jobs ?? []));
  }
  return jobs;
}
