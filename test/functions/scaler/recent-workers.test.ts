import { ListJobsCommand, type BatchClient, type JobSummary } from "@aws-sdk/client-batch";
import { describe, expect, it } from "vitest";
import { recentFinishedWorkers } from "../../../functions/scaler/recent-workers.js";

const JOB_QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/workers";
const JOB_DEFINITION = "arn:aws:batch:us-east-1:123456789012:job-definition/worker:3";

/** A fake Batch that lists `recent` (newest first) for the job definition filter, and each array's failed children. */
function fakeBatch(recent: JobSummary[], failedChildren: Record<string, JobSummary[]> = {}) {
  const calls: Record<string, unknown>[] = [];
  const batch = {
    send: async (command: { input: Record<string, unknown> }) => {
      if (!(command instanceof ListJobsCommand)) throw new Error("unexpected Batch call");
      calls.push(command.input);
      if (command.input.filters) return { jobSummaryList: recent };
      const arrayJobId = command.input.arrayJobId as string;
      expect(command.input.jobStatus).toBe("FAILED");
      return { jobSummaryList: failedChildren[arrayJobId] ?? [] };
    },
  } as unknown as Pick<BatchClient, "send">;
  return { batch, calls };
}

const ended = (jobId: string, status: string, extra: Partial<JobSummary> = {}): JobSummary =>
  ({
    jobId,
    jobName: "w",
    status,
    createdAt: 1_000,
    startedAt: 2_000,
    stoppedAt: 3_000,
    ...extra,
  }) as JobSummary;

describe("recentFinishedWorkers", () => {
  it("lists this job definition's newest jobs on this queue with one call, and skips those still active", async () => {
    const { batch, calls } = fakeBatch([
      ended("running", "RUNNING", { stoppedAt: undefined }),
      ended("a", "FAILED", {
        container: { exitCode: 1 },
        statusReason: "Essential container in task exited",
      }),
      ended("b", "SUCCEEDED", { container: { exitCode: 0 } }),
    ]);
    expect(await recentFinishedWorkers(batch, JOB_QUEUE, JOB_DEFINITION, 3)).toEqual([
      {
        jobId: "a",
        status: "FAILED",
        startedAt: 2_000,
        stoppedAt: 3_000,
        exitCode: 1,
        statusReason: "Essential container in task exited",
      },
      {
        jobId: "b",
        status: "SUCCEEDED",
        startedAt: 2_000,
        stoppedAt: 3_000,
        exitCode: 0,
        statusReason: undefined,
      },
    ]);
    expect(calls).toEqual([
      {
        jobQueue: JOB_QUEUE,
        filters: [{ name: "JOB_DEFINITION", values: [JOB_DEFINITION] }],
        maxResults: 20,
      },
    ]);
  });

  it("takes a failed array's failed children, and counts its other children as successes", async () => {
    const { batch, calls } = fakeBatch([ended("p", "FAILED", { arrayProperties: { size: 4 } })], {
      p: [
        ended("p:0", "FAILED", { container: { exitCode: 1 } }),
        ended("p:2", "FAILED", { container: { exitCode: 1 } }),
      ],
    });
    const workers = await recentFinishedWorkers(batch, JOB_QUEUE, JOB_DEFINITION, 3);
    expect(workers.map((w) => [w.jobId, w.status])).toEqual([
      ["p:succeeded-0", "SUCCEEDED"],
      ["p:succeeded-1", "SUCCEEDED"],
      ["p:0", "FAILED"],
      ["p:2", "FAILED"],
    ]);
    expect(calls[1]).toEqual({ arrayJobId: "p", jobStatus: "FAILED", maxResults: 100 });
  });

  it("asks nothing more of an array that succeeded: all its children did", async () => {
    const { batch, calls } = fakeBatch([ended("p", "SUCCEEDED", { arrayProperties: { size: 2 } })]);
    const workers = await recentFinishedWorkers(batch, JOB_QUEUE, JOB_DEFINITION, 3);
    expect(workers.map((w) => w.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(calls).toHaveLength(1);
  });

  it("stops reading arrays once it has as many workers as wanted", async () => {
    const failedArray = (id: string) => ended(id, "FAILED", { arrayProperties: { size: 3 } });
    const children = (id: string) =>
      [0, 1, 2].map((i) => ended(`${id}:${i}`, "FAILED", { container: { exitCode: 1 } }));
    const { batch, calls } = fakeBatch([failedArray("p"), failedArray("q")], {
      p: children("p"),
      q: children("q"),
    });
    const workers = await recentFinishedWorkers(batch, JOB_QUEUE, JOB_DEFINITION, 3);
    expect(workers.map((w) => w.jobId)).toEqual(["p:0", "p:1", "p:2"]);
    expect(calls).toHaveLength(2);
  });
});
