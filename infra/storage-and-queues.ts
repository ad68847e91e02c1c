import { CfnOutput, Duration, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { SUMMARY_FILE } from "../shared/storage/artifact-paths.js";
import {
  DEAD_LETTER_RETENTION_DAYS,
  INDEX_VISIBILITY_SECONDS,
  MAX_RECEIVE_COUNT,
  STACK_OUTPUTS,
  WORK_VISIBILITY_SECONDS,
} from "../shared/storage/queue-settings.js";
import { PREFIXES } from "../shared/storage/s3-layout.js";
import { deadLetterQueueProps, SECURE_BUCKET_PROPS, SECURE_QUEUE_PROPS } from "./secure-defaults.js";

export interface StorageAndQueuesProps {
  /**
   * Where the bucket's server access logs go (the cloud stack has one; LocalStack needs none).
   * @default no access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * The bucket's lifecycle rules (the cloud stack's come from infra/bucket-lifecycle.ts; LocalStack needs none).
   * @default none: every object and version is kept
   */
  readonly lifecycleRules?: readonly s3.LifecycleRule[];
}

/**
 * The bucket and the two queues that every deployment has, in the cloud and on LocalStack alike: uploads/ notify
 * the work queue, results/…/summary.json notify the index queue, and each queue has a dead-letter queue.
 *
 * The notifications are set on the CfnBucket directly: `bucket.addEventNotification` needs a custom-resource
 * Lambda, which LocalStack cannot run without Docker.
 */
export class StorageAndQueues extends Construct {
  readonly bucket: s3.Bucket;
  readonly workQueue: sqs.Queue;
  readonly workDeadLetterQueue: sqs.Queue;
  readonly indexQueue: sqs.Queue;
  readonly indexDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StorageAndQueuesProps = {}) {
    super(scope, id);
    this.workDeadLetterQueue = new sqs.Queue(
      this,
      "WorkDeadLetterQueue",
      deadLetterQueueProps(DEAD_LETTER_RETENTION_DAYS),
    );
    this.workQueue = new sqs.Queue(this, "WorkQueue", {
      ...SECURE_QUEUE_PROPS,
      visibilityTimeout: Duration.seconds(WORK_VISIBILITY_SECONDS),
      deadLetterQueue: { queue: this.workDeadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.indexDeadLetterQueue = new sqs.Queue(
      this,
      "IndexDeadLetterQueue",
      deadLetterQueueProps(DEAD_LETTER_RETENTION_DAYS),
    );
    this.indexQueue = new sqs.Queue(this, "IndexQueue", {
      ...SECURE_QUEUE_PROPS,
      visibilityTimeout: Duration.seconds(INDEX_VISIBILITY_SECONDS),
      deadLetterQueue: { queue: this.indexDeadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.bucket = new s3.Bucket(this, "Bucket", {
      ...SECURE_BUCKET_PROPS,
      ...(props.serverAccessLogsBucket
        ? { serverAccessLogsBucket: props.serverAccessLogsBucket, serverAccessLogsPrefix: "bucket/" }
        : {}),
      ...(props.lifecycleRules ? { lifecycleRules: [...props.lifecycleRules] } : {}),
    });
    const account = Stack.of(this).account;
    for (const queue of [this.workQueue, this.indexQueue]) {
      queue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: "AllowThisAccountsS3Notifications",
          principals: [new iam.ServicePrincipal("s3.amazonaws.com")],
          actions: ["sqs:SendMessage"],
          resources: [queue.queueArn],
          conditions: { StringEquals: { "aws:SourceAccount": account } },
        }),
      );
    }
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        notify(this.workQueue, [{ name: "prefix", value: PREFIXES.uploads }]),
        notify(this.indexQueue, [
          { name: "prefix", value: PREFIXES.results },
          { name: "suffix", value: `/${SUMMARY_FILE}` },
        ]),
      ],
    };
    for (const queue of [this.workQueue, this.indexQueue]) {
      const policy = queue.node.tryFindChild("Policy");
      if (policy) cfnBucket.node.addDependency(policy);
    }

    const outputs: Record<keyof typeof STACK_OUTPUTS, string> = {
      bucket: this.bucket.bucketName,
      workQueueUrl: this.workQueue.queueUrl,
      workDeadLetterQueueUrl: this.workDeadLetterQueue.queueUrl,
      indexQueueUrl: this.indexQueue.queueUrl,
      indexDeadLetterQueueUrl: this.indexDeadLetterQueue.queueUrl,
    };
    for (const [name, value] of Object.entries(outputs) as [keyof typeof STACK_OUTPUTS, string][]) {
      new CfnOutput(Stack.of(this), STACK_OUTPUTS[name], { value });
    }
  }
}

function notify(
  queue: sqs.Queue,
  rules: s3.CfnBucket.FilterRuleProperty[],
): s3.CfnBucket.QueueConfigurationProperty {
  return { event: "s3:ObjectCreated:*", queue: queue.queueArn, filter: { s3Key: { rules } } };
}
