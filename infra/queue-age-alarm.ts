import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface QueueAgeAlarmProps {
  readonly queue: sqs.IQueue;
  /** What the queue is, in the alarm's description. */
  readonly name: string;
  /** The alarm goes off when the oldest message has waited longer than this. @default Duration.hours(1) */
  readonly threshold?: Duration;
  /** Where the alarm is told when it goes off. @default no action */
  readonly topic?: sns.ITopic;
}

/**
 * An alarm on a queue's `ApproximateAgeOfOldestMessage`: work that waits too long, because no worker starts (no
 * capacity, workers failing at start-up, the scaler held back) or too few keep up.
 */
export class QueueAgeAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: QueueAgeAlarmProps) {
    super(scope, id);
    const threshold = props.threshold ?? Duration.hours(1);
    this.alarm = new cloudwatch.Alarm(this, "Alarm", {
      alarmDescription:
        `cnn-lens: the oldest message in the ${props.name} has waited more than ${threshold.toHumanString()}. ` +
        "Workers are not starting (see the failed-job notifications and the scaler's log) or too few keep up " +
        "(raise maxWorkers).",
      metric: props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: threshold.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.topic) this.alarm.addAlarmAction(new actions.SnsAction(props.topic));
  }
}
