import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as batch from "aws-cdk-lib/aws-batch";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";

export interface FailedJobNotificationsProps {
  /** The job queue whose failed jobs are told. */
  readonly jobQueue: batch.IJobQueue;
  readonly topic: sns.ITopic;
}

/** The event fields a failure notification quotes, by the name the message gives them. */
const field = (path: string) => events.EventField.fromPath(`$.detail.${path}`);

/**
 * Tells the topic of every worker job of this queue that ends FAILED, one readable line per job: a crash, a worker
 * that exited at start-up, the last Spot reclaim of its attempts, or a job cancelled after waiting too long for
 * capacity. Array parents are left out: their children are told one by one.
 */
export class FailedJobNotifications extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: FailedJobNotificationsProps) {
    super(scope, id);
    this.rule = new events.Rule(this, "Rule", {
      description: "cnn-lens: tell the failure topic of worker jobs that failed",
      eventPattern: {
        source: ["aws.batch"],
        detailType: ["Batch Job State Change"],
        detail: {
          jobQueue: [props.jobQueue.jobQueueArn],
          status: ["FAILED"],
          arrayProperties: { size: events.Match.doesNotExist() },
        },
      },
      targets: [
        new targets.SnsTopic(props.topic, {
          message: events.RuleTargetInput.fromText(
            `cnn-lens: worker job ${field("jobName")} ${field("jobId")} failed: ${field("statusReason")} ` +
              `(container exit code ${field("container.exitCode")}, ${field("container.reason")}). ` +
              `Its log stream is ${field("container.logStreamName")}. A job cancelled while RUNNABLE waited ` +
              "longer than capacityWaitMinutes for a GPU instance EC2 had no capacity for; a job that exited at " +
              "start-up failed before it took any image, and the scaler stops starting workers after a few of those.",
          ),
        }),
      ],
    });
  }
}
