import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { STARTUP_HOLD_REASON, STARTUP_POLICY } from "../shared/config/scaler-startup-policy.js";

export interface ScalerHoldAlarmProps {
  /** The scaler's log group. */
  readonly logGroup: logs.ILogGroup;
  /** Where the alarm is told when it goes off. @default no action */
  readonly topic?: sns.ITopic;
}

/**
 * Tells when the scaler holds back because the latest workers failed at start-up: a metric filter counts its log
 * entries that say so (it writes one a minute while it holds), and an alarm goes off on the first. The alarm
 * tells the topic once when the hold begins, not every minute, and clears when five minutes pass without one.
 */
export class ScalerHoldAlarm extends Construct {
  readonly metricFilter: logs.MetricFilter;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ScalerHoldAlarmProps) {
    super(scope, id);
    this.metricFilter = new logs.MetricFilter(this, "Held", {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.allTerms(STARTUP_HOLD_REASON),
      metricNamespace: `cnn-lens/${Stack.of(this).stackName}`,
      metricName: "ScalerStartupHold",
      metricValue: "1",
    });
    this.alarm = new cloudwatch.Alarm(this, "Alarm", {
      alarmDescription:
        `cnn-lens: the scaler stopped starting workers: the last ${STARTUP_POLICY.failures} workers failed at ` +
        `start-up (exited non-zero within ${STARTUP_POLICY.startupSeconds} s, or their container could not ` +
        "start). Images wait in the work queue. The failed-job notifications and the workers' logs say why (a " +
        "CNN_LENS_REQUIRE_GPU error names what is missing); the scaler's log has the job ids. It tries again " +
        `${STARTUP_POLICY.holdMinutes} minutes after the failures, or at once after a deployment that changes ` +
        "the job definition.",
      metric: this.metricFilter.metric({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.topic) this.alarm.addAlarmAction(new actions.SnsAction(props.topic));
  }
}
