import { describe, expect, it } from "vitest";
import { buildStack, renderDeep } from "./stack-fixture.js";

interface AlarmProperties {
  MetricName: string;
  Namespace: string;
  Dimensions: unknown;
  Statistic: string;
  Threshold: number;
  ComparisonOperator: string;
  AlarmActions: unknown;
}

const ageAlarm = (context: Record<string, unknown> = {}) => {
  const built = buildStack(context);
  const alarms = Object.values(built.template.findResources("AWS::CloudWatch::Alarm")).filter(
    (alarm) =>
      (alarm as { Properties: AlarmProperties }).Properties.MetricName === "ApproximateAgeOfOldestMessage",
  ) as { Properties: AlarmProperties }[];
  expect(alarms).toHaveLength(1);
  return { ...built, alarm: (alarms[0] as { Properties: AlarmProperties }).Properties };
};

describe("the work queue's age alarm", () => {
  it("goes off when the oldest image has waited an hour, and tells the failure topic", () => {
    const { alarm, stack, logicalId } = ageAlarm();
    expect(renderDeep(alarm)).toMatchObject({
      Namespace: "AWS/SQS",
      Dimensions: [{ Name: "QueueName", Value: `<${logicalId(stack.storage.workQueue)}.QueueName>` }],
      Statistic: "Maximum",
      Threshold: 60 * 60,
      ComparisonOperator: "GreaterThanThreshold",
      AlarmActions: [`<${logicalId(stack.alarmTopic.topic)}>`],
    });
  });

  it("takes its threshold from workQueueAgeAlarmMinutes, in seconds", () => {
    expect(ageAlarm({ "cnn-lens:workQueueAgeAlarmMinutes": 15 }).alarm.Threshold).toBe(15 * 60);
  });

  it("is one of the stack's four alarms, every one of which tells the failure topic", () => {
    const { template, stack, logicalId } = buildStack();
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map((alarm) => {
      const properties = (alarm as { Properties: AlarmProperties }).Properties;
      return { metric: properties.MetricName, actions: renderDeep(properties.AlarmActions) };
    });
    const topic = [`<${logicalId(stack.alarmTopic.topic)}>`];
    expect(alarms.sort((a, b) => a.metric.localeCompare(b.metric))).toEqual([
      { metric: "ApproximateAgeOfOldestMessage", actions: topic },
      { metric: "ApproximateNumberOfMessagesVisible", actions: topic },
      { metric: "ApproximateNumberOfMessagesVisible", actions: topic },
      { metric: "ScalerStartupHold", actions: topic },
    ]);
  });
});
