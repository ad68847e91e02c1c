import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { AccessLogsBucket } from "./access-logs-bucket.js";
import { AlarmTopic } from "./alarm-topic.js";
import { bucketLifecycleRules } from "./bucket-lifecycle.js";
import { DeadLetterAlarms } from "./dead-letter-alarms.js";
import { DEFAULT_DEPLOYMENT_CONFIG, type DeploymentConfig } from "./deployment-config.js";
import { FailedJobNotifications } from "./failed-job-notifications.js";
import { GpuWorkers } from "./gpu-workers.js";
import { IndexFunction } from "./index-function.js";
import { IndexTable } from "./index-table.js";
import { QueueAgeAlarm } from "./queue-age-alarm.js";
import { StorageAndQueues } from "./storage-and-queues.js";
import { WorkerNetwork } from "./worker-network.js";
import { WorkerScaler } from "./worker-scaler.js";

export interface CnnLensStackProps extends StackProps {
  /** The deployment's settings, already validated. @default DEFAULT_DEPLOYMENT_CONFIG */
  readonly config?: DeploymentConfig;
}

/**
 * The cnn-lens cloud stack: the bucket and queues (the same construct as on LocalStack, here with a lifecycle),
 * the GPU workers on AWS Batch with the scaler that starts them, the index function and the Athena table over its
 * records, and a topic that is told of every failure: dead letters, a work queue that does not drain, failed
 * worker jobs and a scaler that holds back.
 */
export class CnnLensStack extends Stack {
  readonly storage: StorageAndQueues;
  readonly workers: GpuWorkers;
  readonly scaler: WorkerScaler;
  readonly indexer: IndexFunction;
  readonly indexTable: IndexTable;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: DeadLetterAlarms;
  readonly workQueueAge: QueueAgeAlarm;
  readonly failedJobs: FailedJobNotifications;

  constructor(scope: Construct, id: string, props: CnnLensStackProps = {}) {
    super(scope, id, { description: "cnn-lens: explanations of image CNNs at scale", ...props });
    const config = props.config ?? DEFAULT_DEPLOYMENT_CONFIG;

    const accessLogs = new AccessLogsBucket(this, "AccessLogs");
    this.storage = new StorageAndQueues(this, "Storage", {
      serverAccessLogsBucket: accessLogs.bucket,
      lifecycleRules: bucketLifecycleRules({
        uploadsRetentionDays: config.uploadsRetentionDays,
        resultsRetentionDays: config.resultsRetentionDays,
      }),
    });
    this.alarmTopic = new AlarmTopic(this, "Failures", { email: config.alarmEmail ?? undefined });
    const topic = this.alarmTopic.topic;
    const network = new WorkerNetwork(this, "Network", { nat: config.nat });
    this.workers = new GpuWorkers(this, "Workers", {
      vpc: network.vpc,
      subnets: network.workerSubnets,
      bucket: this.storage.bucket,
      workQueue: this.storage.workQueue,
      instanceTypes: config.gpuInstanceTypes,
      capacity: config.capacity,
      maxVcpus: config.maxVcpus,
      workerVcpus: config.workerVcpus,
      workerMemoryMiB: config.workerMemoryMiB,
      idleSeconds: config.workerIdleSeconds,
      timeoutMinutes: config.workerTimeoutMinutes,
      defaultModel: config.defaultModel,
      maxUploadMiB: config.maxUploadMiB,
      capacityWait: Duration.minutes(config.capacityWaitMinutes),
    });
    this.failedJobs = new FailedJobNotifications(this, "FailedJobs", {
      jobQueue: this.workers.jobQueue,
      topic,
    });
    this.scaler = new WorkerScaler(this, "Scaler", {
      workQueue: this.storage.workQueue,
      jobQueue: this.workers.jobQueue,
      jobDefinition: this.workers.jobDefinition,
      maxWorkers: config.maxWorkers,
      imagesPerWorker: config.imagesPerWorker,
      topic,
    });
    this.indexer = new IndexFunction(this, "Index", {
      bucket: this.storage.bucket,
      indexQueue: this.storage.indexQueue,
    });
    this.indexTable = new IndexTable(this, "IndexTable", { bucket: this.storage.bucket });
    this.alarms = new DeadLetterAlarms(this, "DeadLetterAlarms", {
      queues: { work: this.storage.workDeadLetterQueue, index: this.storage.indexDeadLetterQueue },
      topic,
    });
    this.workQueueAge = new QueueAgeAlarm(this, "WorkQueueAge", {
      queue: this.storage.workQueue,
      name: "work queue",
      threshold: Duration.minutes(config.workQueueAgeAlarmMinutes),
      topic,
    });

    new CfnOutput(this, "WorkerJobQueue", { value: this.workers.jobQueue.jobQueueArn });
    new CfnOutput(this, "WorkerJobDefinition", { value: this.workers.jobDefinition.jobDefinitionArn });
    new CfnOutput(this, "WorkerLogGroup", { value: this.workers.logGroup.logGroupName });
    new CfnOutput(this, "FailureTopic", { value: topic.topicArn });
    new CfnOutput(this, "AthenaWorkGroup", { value: this.indexTable.workGroupName });
    new CfnOutput(this, "AthenaTable", {
      value: `${this.indexTable.databaseName}.${this.indexTable.tableName}`,
    });
  }
}
