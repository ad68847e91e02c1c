import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { AccessLogsBucket } from "./access-logs-bucket.js";
import { DeadLetterAlarms } from "./dead-letter-alarms.js";
import { DEFAULT_DEPLOYMENT_CONFIG, type DeploymentConfig } from "./deployment-config.js";
import { GpuWorkers } from "./gpu-workers.js";
import { IndexFunction } from "./index-function.js";
import { StorageAndQueues } from "./storage-and-queues.js";
import { WorkerNetwork } from "./worker-network.js";
import { WorkerScaler } from "./worker-scaler.js";

export interface CnnLensStackProps extends StackProps {
  /** The deployment's settings, already validated. @default DEFAULT_DEPLOYMENT_CONFIG */
  readonly config?: DeploymentConfig;
}

/**
 * The cnn-lens cloud stack: the bucket and queues (the same construct as on LocalStack), the GPU workers on AWS
 * Batch with the scaler that starts them, the index function, and alarms on the dead-letter queues.
 */
export class CnnLensStack extends Stack {
  readonly storage: StorageAndQueues;
  readonly workers: GpuWorkers;
  readonly scaler: WorkerScaler;
  readonly indexer: IndexFunction;
  readonly alarms: DeadLetterAlarms;

  constructor(scope: Construct, id: string, props: CnnLensStackProps = {}) {
    super(scope, id, { description: "cnn-lens: explanations of image CNNs at scale", ...props });
    const config = props.config ?? DEFAULT_DEPLOYMENT_CONFIG;

    const accessLogs = new AccessLogsBucket(this, "AccessLogs");
    this.storage = new StorageAndQueues(this, "Storage", { serverAccessLogsBucket: accessLogs.bucket });
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
    });
    this.scaler = new WorkerScaler(this, "Scaler", {
      workQueue: this.storage.workQueue,
      jobQueue: this.workers.jobQueue,
      jobDefinition: this.workers.jobDefinition,
      maxWorkers: config.maxWorkers,
      imagesPerWorker: config.imagesPerWorker,
    });
    this.indexer = new IndexFunction(this, "Index", {
      bucket: this.storage.bucket,
      indexQueue: this.storage.indexQueue,
    });
    this.alarms = new DeadLetterAlarms(this, "DeadLetterAlarms", {
      queues: { work: this.storage.workDeadLetterQueue, index: this.storage.indexDeadLetterQueue },
    });

    new CfnOutput(this, "WorkerJobQueue", { value: this.workers.jobQueue.jobQueueArn });
    new CfnOutput(this, "WorkerJobDefinition", { value: this.workers.jobDefinition.jobDefinitionArn });
    new CfnOutput(this, "WorkerLogGroup", { value: this.workers.logGroup.logGroupName });
  }
}
