import { Duration } from "aws-cdk-lib";
import type * as batch from "aws-cdk-lib/aws-batch";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { ScalerSettings } from "../shared/config/scaler-settings.js";
import { DEFAULT_DEPLOYMENT_CONFIG } from "./deployment-config.js";
import { acknowledge } from "./nag-acknowledgments.js";
import { NodeFunction } from "./node-function.js";
import { ScalerHoldAlarm } from "./scaler-hold-alarm.js";
import { SCALER_ENTRY } from "./source-paths.js";
import { scheduledInvocation } from "./scheduled-invocation.js";

/** The name every worker job gets. */
export const WORKER_JOB_NAME = "cnn-lens-worker";

export interface WorkerScalerProps {
  readonly workQueue: sqs.IQueue;
  readonly jobQueue: batch.IJobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  /** @default 4 */
  readonly maxWorkers?: number;
  /** @default 100 */
  readonly imagesPerWorker?: number;
  /** @default Duration.minutes(1) */
  readonly interval?: Duration;
  /** Told when the scaler holds back because workers fail at start-up. @default no action */
  readonly topic?: sns.ITopic;
}

/**
 * Starts GPU workers when images wait: every minute a Lambda (functions/scaler/) reads the work queue's depth and
 * submits the missing workers as one array job, unless the latest workers failed at start-up, which an alarm
 * tells. It never stops workers; they exit when the queue is idle.
 */
export class WorkerScaler extends Construct {
  readonly function: NodeFunction;
  readonly rule: events.Rule;
  readonly holdAlarm: ScalerHoldAlarm;

  constructor(scope: Construct, id: string, props: WorkerScalerProps) {
    super(scope, id);
    this.function = new NodeFunction(this, "Scaler", {
      entry: SCALER_ENTRY,
      description: "cnn-lens scaler: submits GPU workers to Batch when images wait in the work queue",
      timeout: Duration.seconds(30),
    });
    const fn = this.function.function;
    props.jobDefinition.grantSubmitJob(fn, props.jobQueue);
    // ListJobs and DescribeJobs have no resource-level permissions: Batch authorizes them only on "*".
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["batch:ListJobs", "batch:DescribeJobs"], resources: ["*"] }),
    );
    props.workQueue.grant(fn, "sqs:GetQueueAttributes");
    acknowledge(this.function.role, {
      "AwsSolutions-IAM5[Resource::*]":
        "batch:ListJobs and batch:DescribeJobs support no resource-level permissions (IAM Service Authorization " +
        "Reference for AWS Batch); they only read job status. SubmitJob is limited to this job queue and definition.",
    });

    const settings: ScalerSettings = {
      workQueueUrl: props.workQueue.queueUrl,
      jobQueue: props.jobQueue.jobQueueArn,
      jobDefinition: props.jobDefinition.jobDefinitionArn,
      jobName: WORKER_JOB_NAME,
      maxWorkers: props.maxWorkers ?? DEFAULT_DEPLOYMENT_CONFIG.maxWorkers,
      imagesPerWorker: props.imagesPerWorker ?? DEFAULT_DEPLOYMENT_CONFIG.imagesPerWorker,
    };
    this.rule = scheduledInvocation(this, "Schedule", {
      description: "cnn-lens: run the worker scaler",
      function: fn,
      event: { ...settings },
      interval: props.interval,
    });
    this.holdAlarm = new ScalerHoldAlarm(this, "HoldAlarm", {
      logGroup: this.function.logGroup,
      topic: props.topic,
    });
  }
}
