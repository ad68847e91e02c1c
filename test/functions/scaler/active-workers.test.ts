import { describe, expect, it } from "vitest";
import {
  ACTIVE_JOB_STATUSES,
  countActiveWorkers,
  parentsWithoutStatusSummary,
} from "../../../functions/scaler/active-workers.js";

describe("countActiveWorkers", () => {
  it("counts a plain job as one worker", () => {
    expect(countActiveWorkers([{ jobId: "a" }, { jobId: "b", arrayProperties: {} }])).toBe(2);
  });

  it("counts an array parent's children in active statuses only", () => {
    const parent = {
      jobId: "p",
      arrayProperties: {
        size: 10,
        statusSummary: { RUNNABLE: 2, STARTING: 1, RUNNING: 3, SUCCEEDED: 3, FAILED: 1 },
      },
    };
    expect(countActiveWorkers([parent])).toBe(6);
  });

  it("counts every child of a parent that has no status summary yet", () => {
    expect(countActiveWorkers([{ jobId: "p", arrayProperties: { size: 5 } }])).toBe(5);
  });

  it("leaves out array children, whose parent counts them", () => {
    expect(
      countActiveWorkers([
        { jobId: "p", arrayProperties: { size: 3, statusSummary: { RUNNING: 3 } } },
        { jobId: "p:0", arrayProperties: { index: 0 } },
        { jobId: "p:1", arrayProperties: { index: 1 } },
      ]),
    ).toBe(3);
  });

  it("counts a job listed twice (its status changed between listings) once, as last seen", () => {
    expect(
      countActiveWorkers([
        { jobId: "p", arrayProperties: { size: 4 } },
        { jobId: "a" },
        { jobId: "a" },
        { jobId: "p", arrayProperties: { size: 4, statusSummary: { RUNNING: 1, SUCCEEDED: 3 } } },
      ]),
    ).toBe(2);
  });

  it("treats every active status alike", () => {
    const statusSummary = Object.fromEntries(ACTIVE_JOB_STATUSES.map((status) => [status, 1]));
    expect(countActiveWorkers([{ jobId: "p", arrayProperties: { size: 5, statusSummary } }])).toBe(5);
  });

  it("is zero for no jobs", () => {
    expect(countActiveWorkers([])).toBe(0);
  });
});

describe("parentsWithoutStatusSummary", () => {
  it("names the array parents whose children's statuses are unknown", () => {
    expect(
      parentsWithoutStatusSummary([
        { jobId: "plain" },
        { jobId: "p1", arrayProperties: { size: 2 } },
        { jobId: "p2", arrayProperties: { size: 2, statusSummary: { RUNNING: 2 } } },
        { jobId: "p1:0", arrayProperties: { index: 0 } },
      ]),
    ).toEqual(["p1"]);
  });
});
