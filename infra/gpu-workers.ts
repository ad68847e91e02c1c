import { Duration, IgnoreMode, RemovalPolicy, Size, Stack } from "aws-cdk-lib";
import * as batch from "aws-cdk-lib/aws-batch";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ENV } from "../shared/config/environment.js";
import { MIB } from "../shared/config/upload-limits.js";
import { PREFIXES } from "../shared/storage/s3-layout.js";
import { DEFAULT_DEPLOYMENT_CONFIG, type Capacity } from "./deployment-config.js";
import {
  acknowledge,
  GRANT_PUT_FINDINGS,
  GRANT_READ_FINDINGS,
  objectsFinding,
} from "./nag-acknowledgments.js";
import { REPO_ROOT, WORKER_DOCKERFILE } from "./source-paths.js";
import { workerLaunchTemplate } from "./worker-launch-template.js";

/** Times Batch starts a worker whose Spot instance was reclaimed ("Host EC2 … terminated"). */
export const SPOT_RECLAIM_ATTEMPTS = 5;

export interface GpuWorkersProps {
  readonly vpc: ec2.IVpc;
  /** Where the instances go. */
  readonly subnets: ec2.SubnetSelection;
  /** The bucket: workers read uploads/, models/ and results/, and write results/. */
  readonly bucket: s3.IBucket;
  /** The queue the workers drain. */
  readonly workQueue: sqs.IQueue;
  /** @default ["g4dn.xlarge"] */
  readonly instanceTypes?: readonly string[];
  /** @default "spot" */
  readonly capacity?: Capacity;
  /** @default 16 */
  readonly maxVcpus?: number;
  /** @default 4 */
  readonly workerVcpus?: number;
  /** @default 14336 */
  readonly workerMemoryMiB?: number;
  /** @default 120 */
  readonly idleSeconds?: number;
  /** @default 240 */
  readonly timeoutMinutes?: number;
  /** @default "default" */
  readonly defaultModel?: string;
  /** The largest upload a worker reads, in MiB. @default 256 */
  readonly maxUploadMiB?: number;
  /**
   * Batch cancels a worker that has waited this long in RUNNABLE for an instance EC2 has no capacity for
   * (600 to 86,400 seconds).
   * @default Duration.minutes(30)
   */
  readonly capacityWait?: Duration;
}

/**
 * The GPU side: a managed EC2 compute environment of GPU instances on the ECS_AL2023_NVIDIA AMI that scales to
 * zero (launched from worker-launch-template.ts), its job queue, which cancels a worker that waits too long for
 * capacity, and the worker's job definition (one GPU, the image built from functions/worker/Dockerfile, retried
 * only when Spot takes the instance back).
 */
export class GpuWorkers extends Construct {
  readonly computeEnvironment: batch.ManagedEc2EcsComputeEnvironment;
  readonly jobQueue: batch.JobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  /** The role the worker's code runs with. */
  readonly jobRole: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GpuWorkersProps) {
    super(scope, id);
    const defaults = DEFAULT_DEPLOYMENT_CONFIG;
    const spot = (props.capacity ?? defaults.capacity) === "spot";

    const launchTemplate = workerLaunchTemplate(this, "LaunchTemplate");
    this.computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(this, "ComputeEnvironment", {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      instanceTypes: (props.instanceTypes ?? defaults.gpuInstanceTypes).map(
        (type) => new ec2.InstanceType(type),
      ),
      // Otherwise Batch adds its "optimal" CPU instance families.
      useOptimalInstanceClasses: false,
      // The image type must be explicit: an image given without one makes CDK write ECS_AL2, a non-GPU AMI whose
      // instances never take a GPU job.
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA }],
      minvCpus: 0,
      maxvCpus: props.maxVcpus ?? defaults.maxVcpus,
      spot,
      allocationStrategy: spot
        ? batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED
        : batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      launchTemplate,
    });
    // The template's version, so that a change to it (user data, metadata options) updates the compute environment
    // in place; without one Batch keeps the version it resolved when the environment was created.
    (this.computeEnvironment.node.defaultChild as batch.CfnComputeEnvironment).addPropertyOverride(
      "ComputeResources.LaunchTemplate.Version",
      launchTemplate.latestVersionNumber,
    );
    acknowledge(this.computeEnvironment, {
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]":
        "The instance role of a Batch ECS compute environment: AWS keeps this managed policy to exactly what the " +
        "ECS agent needs (register the instance, poll for tasks, pull images, send logs). The worker's own " +
        "permissions are on its job role.",
    });

    this.jobQueue = new batch.JobQueue(this, "JobQueue", {
      computeEnvironments: [{ computeEnvironment: this.computeEnvironment, order: 1 }],
      // A worker that can never be placed (it asks for more than any instance has) fails instead of waiting forever;
      // one that waits for capacity EC2 does not have is cancelled after capacityWait (the scaler submits anew when
      // images still wait, and the cancel is told on the failure topic).
      jobStateTimeLimitActions: [
        ...[
          batch.JobStateTimeLimitActionsReason.COMPUTE_ENVIRONMENT_MAX_RESOURCE,
          batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
        ].map((reason) => ({ reason, maxTime: Duration.minutes(10) })),
        {
          reason: batch.JobStateTimeLimitActionsReason.INSUFFICIENT_INSTANCE_CAPACITY,
          state: batch.JobStateTimeLimitActionsState.RUNNABLE,
          action: batch.JobStateTimeLimitActionsAction.CANCEL,
          maxTime: props.capacityWait ?? Duration.minutes(defaults.capacityWaitMinutes),
        },
      ],
    });

    this.jobRole = new iam.Role(this, "JobRole", {
      assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
      description:
        "cnn-lens worker: reads uploads/, models/ and results/, writes results/, drains the work queue",
    });
    props.bucket.grantRead(this.jobRole, `${PREFIXES.uploads}*`);
    props.bucket.grantRead(this.jobRole, `${PREFIXES.models}*`);
    // Read too: a summary already written for the same ETag and model spares the work.
    props.bucket.grantRead(this.jobRole, `${PREFIXES.results}*`);
    props.bucket.grantPut(this.jobRole, `${PREFIXES.results}*`);
    props.workQueue.grantConsumeMessages(this.jobRole);
    acknowledge(this.jobRole, {
      ...GRANT_READ_FINDINGS,
      ...GRANT_PUT_FINDINGS,
      [objectsFinding(props.bucket, PREFIXES.uploads)]:
        "The worker reads the uploaded images, any key under uploads/.",
      [objectsFinding(props.bucket, PREFIXES.models)]:
        "The worker loads model bundles, any key under models/.",
      [objectsFinding(props.bucket, PREFIXES.results)]:
        "The worker writes each image's artifacts and summary under results/<key>/ and reads an existing summary.",
    });

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const container = new batch.EcsEc2ContainerDefinition(this, "Worker", {
      image: ecs.ContainerImage.fromAsset(REPO_ROOT, {
        file: WORKER_DOCKERFILE,
        platform: Platform.LINUX_AMD64,
        ignoreMode: IgnoreMode.DOCKER,
      }),
      gpu: 1,
      cpu: props.workerVcpus ?? defaults.workerVcpus,
      memory: Size.mebibytes(props.workerMemoryMiB ?? defaults.workerMemoryMiB),
      jobRole: this.jobRole,
      environment: {
        [ENV.bucket]: props.bucket.bucketName,
        [ENV.workQueueUrl]: props.workQueue.queueUrl,
        [ENV.region]: Stack.of(this).region,
        [ENV.idleSeconds]: String(props.idleSeconds ?? defaults.workerIdleSeconds),
        [ENV.defaultModel]: props.defaultModel ?? defaults.defaultModel,
        [ENV.maxUploadBytes]: String((props.maxUploadMiB ?? defaults.maxUploadMiB) * MIB),
      },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: "worker", logGroup: this.logGroup }),
    });
    acknowledge(container.executionRole, {
      "AwsSolutions-IAM5[Resource::*]":
        "ecr:GetAuthorizationToken, which ECS needs to pull the worker image, has no resource-level permissions; " +
        "the pulls themselves are limited to the CDK assets repository.",
    });
    this.jobDefinition = new batch.EcsJobDefinition(this, "JobDefinition", {
      container,
      timeout: Duration.minutes(props.timeoutMinutes ?? defaults.workerTimeoutMinutes),
      retryAttempts: SPOT_RECLAIM_ATTEMPTS,
      retryStrategies: [
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.SPOT_INSTANCE_RECLAIMED),
        // Anything else (a crash, the timeout) is not retried here: the messages go back to the queue and the
        // scaler starts a fresh worker if they still need one.
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onReason: "*" })),
      ],
    });
  }
}
