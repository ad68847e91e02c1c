import { describe, expect, it } from "vitest";
import { buildStack, render, renderDeep } from "./stack-fixture.js";

interface RuleProperties {
  EventPattern: unknown;
  Targets: {
    Arn: unknown;
    InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
  }[];
}

/** A "Batch Job State Change" event of an array child that exited at start-up, as EventBridge delivers it. */
const FAILED_CHILD = {
  source: "aws.batch",
  "detail-type": "Batch Job State Change",
  detail: {
    jobName: "cnn-lens-worker",
    jobId: "4f2c:1",
    jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/workers",
    status: "FAILED",
    statusReason: "Essential container in task exited",
    arrayProperties: { index: 1 },
    container: { exitCode: 1, logStreamName: "worker/default/abc123" },
  },
};

/** What EventBridge's input transformer makes of an event: each `<name>` replaced by the value at its path. */
function transform(
  transformer: RuleProperties["Targets"][number]["InputTransformer"],
  event: unknown,
): string {
  const at = (path: string) =>
    path
      .replace(/^\$\./, "")
      .split(".")
      .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], event);
  const filled = transformer.InputTemplate.replace(/<([\w-]+)>/g, (_, name: string) => {
    const path = transformer.InputPathsMap[name];
    if (path === undefined) throw new Error(`<${name}> has no path`);
    const value = at(path);
    return String(value);
  });
  return JSON.parse(filled) as string;
}

describe("the failed-job notifications", () => {
  it("take the FAILED state changes of this job queue's jobs, leaving out array parents", () => {
    const { template, stack, logicalId } = buildStack();
    const rule = template.toJSON().Resources[logicalId(stack.failedJobs.rule)] as {
      Properties: RuleProperties;
    };
    expect(renderDeep(rule.Properties.EventPattern)).toEqual({
      source: ["aws.batch"],
      "detail-type": ["Batch Job State Change"],
      detail: {
        jobQueue: [`<${logicalId(stack.workers.jobQueue)}.JobQueueArn>`],
        status: ["FAILED"],
        arrayProperties: { size: [{ exists: false }] },
      },
    });
  });

  it("tell the failure topic one readable line: the job, the reason, the exit code and the log stream", () => {
    const { template, stack, logicalId } = buildStack();
    const rule = template.toJSON().Resources[logicalId(stack.failedJobs.rule)] as {
      Properties: RuleProperties;
    };
    expect(rule.Properties.Targets).toHaveLength(1);
    const target = rule.Properties.Targets[0] as RuleProperties["Targets"][number];
    expect(render(target.Arn)).toBe(`<${logicalId(stack.alarmTopic.topic)}>`);
    const message = transform(target.InputTransformer, FAILED_CHILD);
    expect(message).toMatch(
      /^cnn-lens: worker job cnn-lens-worker 4f2c:1 failed: Essential container in task exited \(container exit code 1, [^)]*\)\. Its log stream is worker\/default\/abc123\./,
    );
    expect(message).not.toContain("\n");
  });
});
