import { describe, expect, it } from "vitest";
import { parseScalerSettings } from "../../shared/config/scaler-settings.js";

const valid = {
  workQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/work",
  jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/workers",
  jobDefinition: "arn:aws:batch:us-east-1:123456789012:job-definition/worker:3",
  jobName: "cnn-lens-worker",
  maxWorkers: 4,
  imagesPerWorker: 100,
};

describe("parseScalerSettings", () => {
  it("accepts the input the schedule rule sends", () => {
    expect(parseScalerSettings(valid)).toEqual(valid);
  });

  it("lists every bad field of the input", () => {
    expect(() =>
      parseScalerSettings({ ...valid, jobQueue: "workers", maxWorkers: 0, imagesPerWorker: 2.5, extra: 1 }),
    ).toThrow(/jobQueue: .*; maxWorkers: .*; imagesPerWorker: .*; input: .*extra.*redeploy the stack/);
  });

  it("refuses an event that is not the rule's input, such as a bare scheduled event", () => {
    expect(() => parseScalerSettings({ source: "aws.events", "detail-type": "Scheduled Event" })).toThrow(
      /the scaler's input is not valid/,
    );
    expect(() => parseScalerSettings(undefined)).toThrow(/the scaler's input is not valid/);
  });
});
