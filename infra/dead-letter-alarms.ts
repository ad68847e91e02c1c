import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { MAX_RECEIVE_COUNT } from "../shared/storage/queue-settings.js";

export interface DeadLetterAlarmsProps {
  /** The dead-letter queues to watch, by a name used in the alarm's id and description. */
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
}

/** One alarm per dead-letter queue that goes off as soon as a message lands there. */
export class DeadLetterAlarms extends Construct {
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: DeadLetterAlarmsProps) {
    super(scope, id);
    this.alarms = Object.fromEntries(
      Object.entries(props.queues).map(([name, queue]) => [
        name,
        new cloudwatch.Alarm(this, name, {
          alarmDescription: `cnn-lens: messages in the ${name} dead-letter queue; each was received ${MAX_RECEIVE_COUNT} times without success`,
          metric: queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ]),
    );
  }
}
