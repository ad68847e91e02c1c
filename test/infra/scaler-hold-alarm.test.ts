import { type BatchClient, type JobSummary, ListJobsCommand } from "@aws-sdk/client-batch";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { scaleWorkers } from "../../functions/scaler/handler.js";
import { STARTUP_POLICY } from "../../shared/config/scaler-startup-policy.js";
import { buildStack, onlyResource, renderDeep } from "./stack-fixture.js";

/** The log lines the scaler writes, as Lambda's text format puts them in CloudWatch Logs. */
async function scalerLogLine(recent: JobSummary[]): Promise<string> {
  const now = Date.UTC(2026, 0, 1, 12);
  const lines: string[] = [];
  await scaleWorkers(
    {
      workQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/work",
      jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/workers",
      jobDefinition: "arn:aws:batch:us-east-1:123456789012:job-definition/worker:3",
      jobName: "cnn-lens-worker",
      maxWorkers: 4,
      imagesPerWorker: 10,
    },
    {
      sqs: {
        send: async () => ({
          Attributes: { ApproximateNumberOfMessages: "50", ApproximateNumberOfMessagesNotVisible: "0" },
        }),
      } as unknown as Pick<SQSClient, "send">,
      batch: {
        send: async (command: { input: { filters?: unknown } }) => {
          if (command instanceof ListJobsCommand && command.input.filters) return { jobSummaryList: recent };
          if (command instanceof ListJobsCommand) return { jobSummaryList: [] };
          return { jobId: "new" };
        },
      } as unknown as Pick<BatchClient, "send">,
      log: (entry) => lines.push(`2026-01-01T12:00:00.000Z\tabc-123\tINFO\t${JSON.stringify(entry)}`),
      now: () => now,
    },
  );
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

const worker = (jobId: string, status: "SUCCEEDED" | "FAILED", exitCode: number): JobSummary => {
  const stoppedAt = Date.UTC(2026, 0, 1, 11, 55);
  return { jobId, jobName: "w", status, startedAt: stoppedAt - 20_000, stoppedAt, container: { exitCode } };
};

/** Whether a CloudWatch Logs filter of quoted terms matches a line: every term appears in it. */
function termsMatch(pattern: string, line: string): boolean {
  const terms = [...pattern.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] as string);
  expect(terms.length).toBeGreaterThan(0);
  return terms.every((term) => line.includes(term));
}

describe("the scaler's hold alarm", () => {
  it("counts the scaler's log lines that say it held back, and no others", async () => {
    const { template, stack, logicalId } = buildStack();
    const filter = onlyResource<{ FilterPattern: string; LogGroupName: unknown }>(
      template,
      "AWS::Logs::MetricFilter",
    ).Properties;
    expect(renderDeep(filter.LogGroupName)).toBe(`<${logicalId(stack.scaler.function.logGroup)}>`);
    const failures = Array.from({ length: STARTUP_POLICY.failures }, (_, i) => worker(`f${i}`, "FAILED", 1));
    const held = await scalerLogLine(failures);
    const submitted = await scalerLogLine([worker("ok", "SUCCEEDED", 0), ...failures]);
    expect(held).toContain('"submitted":0');
    expect(submitted).toContain('"submitted":4');
    expect(termsMatch(filter.FilterPattern, held)).toBe(true);
    expect(termsMatch(filter.FilterPattern, submitted)).toBe(false);
  });

  it("goes off on the first such line in five minutes, and tells the failure topic", () => {
    const { template, stack, logicalId } = buildStack();
    const filter = onlyResource<{ MetricTransformations: { MetricName: string; MetricNamespace: string }[] }>(
      template,
      "AWS::Logs::MetricFilter",
    ).Properties;
    const alarm = template.toJSON().Resources[logicalId(stack.scaler.holdAlarm.alarm)] as {
      Properties: Record<string, unknown>;
    };
    expect(renderDeep(alarm.Properties)).toMatchObject({
      MetricName: filter.MetricTransformations[0]?.MetricName,
      Namespace: filter.MetricTransformations[0]?.MetricNamespace,
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [`<${logicalId(stack.alarmTopic.topic)}>`],
    });
    expect(filter.MetricTransformations[0]?.MetricNamespace).toBe("cnn-lens/CnnLens");
  });
});
