import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { MAX_RECEIVE_COUNT } from "../shared/storage/queue-settings.js";

export interface DeadLetterAlarmsProps {
  /** The dead-letter queues to watch, by a name used in the alarm's id and description. */
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
  /** Where each alarm is told when it goes off. @default no action */
  readonly topic?: sns.ITopic;
}

/** One alarm per dead-letter queue that goes off as soon as a message lands there. */
export class DeadLetterAlarms extends Construct {
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: DeadLetterAlarmsProps) {
    super(scope, id);
    this.alarms = Object.fromEntries(
      Object.entries(props.queues).map(([name, queue]) => {
        const alarm = new cloudwatch.Alarm(this, name, {
          alarmDescription:
            `cnn-lens: messages in the ${name} dead-letter queue; each was received ${MAX_RECEIVE_COUNT} times ` +
            "without success. `cnn-lens status` counts them; find the cause in the logs, fix it, then `cnn-lens redrive`.",
          metric: queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        if (props.topic) alarm.addAlarmAction(new actions.SnsAction(props.topic));
        return [name, alarm];
      }),
    );
  }
}
