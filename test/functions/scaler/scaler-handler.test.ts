import {
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  type BatchClient,
  type JobSummary,
} from "@aws-sdk/client-batch";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { scaleWorkers } from "../../../functions/scaler/handler.js";
import type { ScalerSettings } from "../../../shared/config/scaler-settings.js";

const settings: ScalerSettings = {
  workQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/work",
  jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/workers",
  jobDefinition: "arn:aws:batch:us-east-1:123456789012:job-definition/worker:3",
  jobName: "cnn-lens-worker",
  maxWorkers: 4,
  imagesPerWorker: 10,
};

type Command = { constructor: { name: string }; input: Record<string, unknown> };

/** Fake SQS and Batch clients that answer from fixed data and record every command. */
function fakeAws(options: {
  visible: number;
  inFlight: number;
  jobs?: Partial<Record<string, JobSummary[]>>;
  pageSize?: number;
  described?: JobSummary[];
  /** This job definition's newest jobs, as ListJobs lists them with the JOB_DEFINITION filter. */
  recent?: JobSummary[];
}) {
  const calls: Command[] = [];
  const sqs = {
    send: async (command: Command) => {
      calls.push(command);
      if (!(command instanceof GetQueueAttributesCommand)) throw new Error("unexpected SQS call");
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(options.visible),
          ApproximateNumberOfMessagesNotVisible: String(options.inFlight),
        },
      };
    },
  } as unknown as Pick<SQSClient, "send">;
  const batch = {
    send: async (command: Command) => {
      calls.push(command);
      if (command instanceof ListJobsCommand && command.input.filters) {
        return { jobSummaryList: options.recent ?? [] };
      }
      if (command instanceof ListJobsCommand) {
        const all = options.jobs?.[command.input.jobStatus as string] ?? [];
        const size = options.pageSize ?? 100;
        const start = Number(command.input.nextToken ?? 0);
        const next = start + size < all.length ? String(start + size) : undefined;
        return { jobSummaryList: all.slice(start, start + size), ...(next ? { nextToken: next } : {}) };
      }
      if (command instanceof DescribeJobsCommand) return { jobs: options.described ?? [] };
      if (command instanceof SubmitJobCommand) return { jobId: "job-1", jobName: command.input.jobName };
      throw new Error("unexpected Batch call");
    },
  } as unknown as Pick<BatchClient, "send">;
  const sent = (type: new (...args: never[]) => unknown) =>
    calls.filter((call) => call instanceof type).map((call) => call.input);
  return { sqs, batch, calls, sent };
}

const job = (jobId: string, extra: Partial<JobSummary> = {}): JobSummary => ({
  jobId,
  jobName: "w",
  ...extra,
});

describe("scaleWorkers", () => {
  it("asks only SQS when the queue is empty: no Batch call at all", async () => {
    const aws = fakeAws({ visible: 0, inFlight: 0 });
    const decision = await scaleWorkers(settings, aws);
    expect(decision).toEqual({ queueDepth: 0, targetWorkers: 0, submitted: 0 });
    expect(aws.calls).toHaveLength(1);
    expect(aws.sent(GetQueueAttributesCommand)).toEqual([
      {
        QueueUrl: settings.workQueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      },
    ]);
  });

  it("submits the missing workers as one array job on this queue with this job definition", async () => {
    const aws = fakeAws({ visible: 25, inFlight: 10, jobs: { RUNNING: [job("a")] } });
    const decision = await scaleWorkers(settings, aws);
    expect(decision).toEqual({
      queueDepth: 35,
      activeWorkers: 1,
      targetWorkers: 4,
      submitted: 3,
      jobId: "job-1",
    });
    expect(aws.sent(SubmitJobCommand)).toEqual([
      {
        jobName: settings.jobName,
        jobQueue: settings.jobQueue,
        jobDefinition: settings.jobDefinition,
        arrayProperties: { size: 3 },
      },
    ]);
  });

  it("submits a plain job for one worker: Batch arrays have at least two children", async () => {
    const aws = fakeAws({ visible: 5, inFlight: 0 });
    const decision = await scaleWorkers(settings, aws);
    expect(decision.submitted).toBe(1);
    expect(aws.sent(SubmitJobCommand)).toEqual([
      { jobName: settings.jobName, jobQueue: settings.jobQueue, jobDefinition: settings.jobDefinition },
    ]);
  });

  it("submits nothing when enough workers are queued or running", async () => {
    const aws = fakeAws({
      visible: 40,
      inFlight: 0,
      jobs: {
        RUNNABLE: [job("a")],
        PENDING: [job("p", { arrayProperties: { size: 3, statusSummary: { RUNNING: 2, STARTING: 1 } } })],
      },
    });
    const decision = await scaleWorkers(settings, aws);
    expect(decision).toMatchObject({ activeWorkers: 4, targetWorkers: 4, submitted: 0 });
    expect(aws.sent(SubmitJobCommand)).toEqual([]);
  });

  it("lists each active status of this job queue once, and stays within a handful of Batch calls", async () => {
    const aws = fakeAws({ visible: 100, inFlight: 0 });
    await scaleWorkers(settings, aws);
    expect(aws.sent(ListJobsCommand)).toEqual([
      ...["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"].map((jobStatus) => ({
        jobQueue: settings.jobQueue,
        jobStatus,
        maxResults: 100,
      })),
      // Before it submits: this job definition's latest workers, in case they failed at start-up.
      {
        jobQueue: settings.jobQueue,
        filters: [{ name: "JOB_DEFINITION", values: [settings.jobDefinition] }],
        maxResults: 20,
      },
    ]);
    expect(aws.calls.length).toBeLessThanOrEqual(8);
  });

  it("does not look for start-up failures when no worker is missing", async () => {
    const aws = fakeAws({ visible: 10, inFlight: 0, jobs: { RUNNING: [job("a")] } });
    await scaleWorkers(settings, aws);
    expect(aws.sent(ListJobsCommand).filter((input) => input.filters)).toEqual([]);
  });

  it("submits nothing, and says why, when the latest workers failed at start-up", async () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const crashed = (jobId: string): JobSummary =>
      job(jobId, {
        status: "FAILED",
        statusReason: "Essential container in task exited",
        startedAt: now - 120_000,
        stoppedAt: now - 100_000,
        container: { exitCode: 1 },
      });
    const entries: Record<string, unknown>[] = [];
    const aws = fakeAws({ visible: 40, inFlight: 0, recent: [crashed("c"), crashed("b"), crashed("a")] });
    const decision = await scaleWorkers(settings, {
      ...aws,
      log: (entry) => entries.push(entry),
      now: () => now,
    });
    expect(aws.sent(SubmitJobCommand)).toEqual([]);
    expect(decision).toMatchObject({ queueDepth: 40, activeWorkers: 0, targetWorkers: 4, submitted: 0 });
    expect(decision.hold).toMatchObject({
      reason: "startup-failures",
      workers: ["c", "b", "a"].map((jobId) => ({ jobId, failure: "exit code 1 after 20 s" })),
      until: new Date(now - 100_000 + 60 * 60_000).toISOString(),
    });
    expect(entries).toEqual([{ event: "scale", ...decision }]);
    expect(JSON.stringify(entries[0])).toContain("failed at start-up");
  });

  it("submits again once a worker of the latest three succeeded", async () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const ended = (jobId: string, status: "SUCCEEDED" | "FAILED", exitCode: number): JobSummary =>
      job(jobId, { status, startedAt: now - 120_000, stoppedAt: now - 100_000, container: { exitCode } });
    const aws = fakeAws({
      visible: 40,
      inFlight: 0,
      recent: [ended("c", "FAILED", 1), ended("b", "SUCCEEDED", 0), ended("a", "FAILED", 1)],
    });
    const decision = await scaleWorkers(settings, { ...aws, now: () => now });
    expect(decision).toMatchObject({ submitted: 4, jobId: "job-1" });
    expect(decision.hold).toBeUndefined();
  });

  it("follows ListJobs pages", async () => {
    const running = ["a", "b", "c"].map((id) => job(id));
    const aws = fakeAws({ visible: 100, inFlight: 0, jobs: { RUNNING: running }, pageSize: 2 });
    const decision = await scaleWorkers(settings, aws);
    expect(decision).toMatchObject({ activeWorkers: 3, submitted: 1 });
    expect(aws.sent(ListJobsCommand).filter((input) => input.jobStatus === "RUNNING")).toHaveLength(2);
  });

  it("asks DescribeJobs for array parents listed without a status summary", async () => {
    const aws = fakeAws({
      visible: 100,
      inFlight: 0,
      jobs: { PENDING: [job("p", { arrayProperties: { size: 4 } })] },
      described: [job("p", { arrayProperties: { size: 4, statusSummary: { RUNNING: 1, SUCCEEDED: 3 } } })],
    });
    const decision = await scaleWorkers(settings, aws);
    expect(aws.sent(DescribeJobsCommand)).toEqual([{ jobs: ["p"] }]);
    expect(decision).toMatchObject({ activeWorkers: 1, submitted: 3 });
  });

  it("logs its decision as one JSON-ready entry", async () => {
    const entries: Record<string, unknown>[] = [];
    await scaleWorkers(settings, {
      ...fakeAws({ visible: 3, inFlight: 0 }),
      log: (entry) => entries.push(entry),
    });
    expect(entries).toEqual([
      { event: "scale", queueDepth: 3, activeWorkers: 0, targetWorkers: 1, submitted: 1, jobId: "job-1" },
    ]);
  });

  it("fails loudly when SQS reports a depth that is not a count", async () => {
    const aws = fakeAws({ visible: Number.NaN, inFlight: 0 });
    await expect(scaleWorkers(settings, aws)).rejects.toThrow(/ApproximateNumberOfMessages="NaN"/);
  });
});
