import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { SUMMARY_FILE } from "../../shared/storage/artifact-paths.js";
import { ENV } from "../../shared/config/environment.js";
import { MAX_RECEIVE_COUNT } from "../../shared/storage/queue-settings.js";
import { REFRESH_REPORT_EVENT } from "../../shared/report/regeneration.js";
import { PREFIXES, REPORT_KEY } from "../../shared/storage/s3-layout.js";
import { FUNCTION_RUNTIME } from "../../infra/node-function.js";
import { WORKER_JOB_NAME } from "../../infra/worker-scaler.js";
import {
  allowedActions,
  allowedResources,
  allStatements,
  buildStack,
  onlyResource,
  render,
  roleStatements,
} from "./stack-fixture.js";

describe("the GPU workers on AWS Batch", () => {
  it("run one GPU per worker from the image built from functions/worker/Dockerfile", () => {
    const { app, template } = buildStack();
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, "CnnLens.assets.json"), "utf8")) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile: string; platform: string } }>;
    };
    const imageTags = Object.keys(manifest.dockerImages);
    expect(imageTags).toHaveLength(1);
    const imageTag = imageTags[0] as string;
    const image = manifest.dockerImages[imageTag] as { source: { directory: string } };
    expect(image.source).toMatchObject({
      dockerFile: "functions/worker/Dockerfile",
      platform: "linux/amd64",
    });
    // Staging only copies the build context (filtered by .dockerignore); nothing is built at synth.
    const staged = join(assembly.directory, image.source.directory);
    for (const file of [
      "functions/worker/main.ts",
      "native/build-binding.sh",
      "native/requirements-gpu.lock",
    ]) {
      expect({ file, staged: existsSync(join(staged, file)) }).toEqual({ file, staged: true });
    }
    expect(existsSync(join(staged, "native/install.sh"))).toBe(false);
    expect(existsSync(join(staged, "node_modules"))).toBe(false);
    template.hasResourceProperties("AWS::Batch::JobDefinition", {
      Type: "container",
      PlatformCapabilities: ["EC2"],
      ContainerProperties: Match.objectLike({
        ResourceRequirements: Match.arrayWith([
          { Type: "MEMORY", Value: "14336" },
          { Type: "VCPU", Value: "4" },
          { Type: "GPU", Value: "1" },
        ]),
        Image: { "Fn::Sub": Match.stringLikeRegexp(`container-assets-.*:${imageTag}$`) },
      }),
    });
  });

  it("are told the bucket, the work queue, the region, the idle time, the default model and the upload limit", () => {
    const { template, stack, logicalId } = buildStack({
      "cnn-lens:workerIdleSeconds": 300,
      "cnn-lens:defaultModel": "leaves-v2",
      "cnn-lens:maxUploadMiB": 64,
    });
    const definition = onlyResource<{
      ContainerProperties: { Environment: { Name: string; Value: unknown }[] };
    }>(template, "AWS::Batch::JobDefinition");
    const environment = Object.fromEntries(
      definition.Properties.ContainerProperties.Environment.map(({ Name, Value }) => [Name, render(Value)]),
    );
    expect(environment).toEqual({
      [ENV.bucket]: `<${logicalId(stack.storage.bucket)}>`,
      [ENV.workQueueUrl]: `<${logicalId(stack.storage.workQueue)}>`,
      [ENV.region]: "<AWS::Region>",
      [ENV.idleSeconds]: "300",
      [ENV.defaultModel]: "leaves-v2",
      [ENV.maxUploadBytes]: String(64 * 1024 * 1024),
    });
  });

  it("cancel a worker that waits for capacity longer than capacityWaitMinutes, and fail one that never fits", () => {
    const queueActions = (context: Record<string, unknown>) =>
      onlyResource<{ JobStateTimeLimitActions: unknown[] }>(
        buildStack(context).template,
        "AWS::Batch::JobQueue",
      ).Properties.JobStateTimeLimitActions;
    const misconfigured = ["COMPUTE_ENVIRONMENT_MAX_RESOURCE", "JOB_RESOURCE_REQUIREMENT"].map((reason) => ({
      Action: "CANCEL",
      MaxTimeSeconds: 600,
      Reason: `MISCONFIGURATION:${reason}`,
      State: "RUNNABLE",
    }));
    const capacity = (minutes: number) => ({
      Action: "CANCEL",
      MaxTimeSeconds: minutes * 60,
      Reason: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
      State: "RUNNABLE",
    });
    expect(queueActions({})).toEqual([...misconfigured, capacity(30)]);
    expect(queueActions({ "cnn-lens:capacityWaitMinutes": 90 })).toEqual([...misconfigured, capacity(90)]);
  });

  it("are retried only when Spot reclaims the instance, and stopped after the attempt timeout", () => {
    const { template } = buildStack({ "cnn-lens:workerTimeoutMinutes": 90 });
    template.hasResourceProperties("AWS::Batch::JobDefinition", {
      RetryStrategy: {
        Attempts: 5,
        EvaluateOnExit: [
          { Action: "RETRY", OnStatusReason: "Host EC2*" },
          { Action: "EXIT", OnReason: "*" },
        ],
      },
      Timeout: { AttemptDurationSeconds: 90 * 60 },
    });
  });

  it("scale a compute environment of GPU instances on the NVIDIA AMI from zero, on Spot by default", () => {
    const { template } = buildStack();
    template.hasResourceProperties("AWS::Batch::ComputeEnvironment", {
      Type: "managed",
      ComputeResources: Match.objectLike({
        Type: "SPOT",
        AllocationStrategy: "SPOT_PRICE_CAPACITY_OPTIMIZED",
        MinvCpus: 0,
        MaxvCpus: 16,
        InstanceTypes: ["g4dn.xlarge"],
        Ec2Configuration: [{ ImageType: "ECS_AL2023_NVIDIA" }],
      }),
    });
  });

  it("take the instance types, on-demand capacity and vCPU ceiling from the config", () => {
    const { template } = buildStack({
      "cnn-lens:gpuInstanceTypes": ["g5.xlarge", "g6.xlarge"],
      "cnn-lens:capacity": "on-demand",
      "cnn-lens:maxVcpus": 64,
    });
    template.hasResourceProperties("AWS::Batch::ComputeEnvironment", {
      ComputeResources: Match.objectLike({
        Type: "EC2",
        AllocationStrategy: "BEST_FIT_PROGRESSIVE",
        MaxvCpus: 64,
        InstanceTypes: ["g5.xlarge", "g6.xlarge"],
        Ec2Configuration: [{ ImageType: "ECS_AL2023_NVIDIA" }],
      }),
    });
  });
});

describe("the network", () => {
  it("has no NAT gateway by default: public subnets with an S3 gateway endpoint and rejected-traffic flow logs", () => {
    const { template } = buildStack();
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
    template.resourceCountIs("AWS::EC2::Subnet", 2);
    template.hasResourceProperties("AWS::EC2::Subnet", { MapPublicIpOnLaunch: true });
    template.hasResourceProperties("AWS::EC2::VPCEndpoint", {
      VpcEndpointType: "Gateway",
      ServiceName: Match.objectLike({ "Fn::Join": Match.arrayWith([Match.arrayWith([".s3"])]) }),
    });
    template.hasResourceProperties("AWS::EC2::FlowLog", { TrafficType: "REJECT" });
  });

  it("puts the workers in private subnets behind one NAT gateway when nat is single", () => {
    const { template } = buildStack({ "cnn-lens:nat": "single" });
    template.resourceCountIs("AWS::EC2::NatGateway", 1);
    const environment = onlyResource<{ ComputeResources: { Subnets: unknown[] } }>(
      template,
      "AWS::Batch::ComputeEnvironment",
    );
    const subnets = environment.Properties.ComputeResources.Subnets.map(render);
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(subnet).toMatch(/^<NetworkVpcWorkersSubnet\d+Subnet[0-9A-F]+>$/);
    for (const subnet of subnets) {
      expect(template.toJSON().Resources[subnet.slice(1, -1)].Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });
});

describe("the bucket and queues", () => {
  it("keep a dead-letter queue after three receives for both queues", () => {
    const { template, stack, logicalId } = buildStack();
    for (const [queue, deadLetters] of [
      [stack.storage.workQueue, stack.storage.workDeadLetterQueue],
      [stack.storage.indexQueue, stack.storage.indexDeadLetterQueue],
    ] as const) {
      const resource = template.toJSON().Resources[logicalId(queue)] as {
        Properties: { RedrivePolicy: { deadLetterTargetArn: unknown; maxReceiveCount: number } };
      };
      expect(resource.Properties.RedrivePolicy.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
      expect(MAX_RECEIVE_COUNT).toBe(3);
      expect(render(resource.Properties.RedrivePolicy.deadLetterTargetArn)).toBe(
        `<${logicalId(deadLetters)}.Arn>`,
      );
    }
    template.allResourcesProperties("AWS::SQS::Queue", { SqsManagedSseEnabled: true });
  });

  it("notify the work queue of uploads/ and the index queue of results/…/summary.json", () => {
    const { template, stack, logicalId } = buildStack();
    template.hasResourceProperties("AWS::S3::Bucket", {
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Event: "s3:ObjectCreated:*",
            Queue: { "Fn::GetAtt": [logicalId(stack.storage.workQueue), "Arn"] },
            Filter: { S3Key: { Rules: [{ Name: "prefix", Value: PREFIXES.uploads }] } },
          },
          {
            Event: "s3:ObjectCreated:*",
            Queue: { "Fn::GetAtt": [logicalId(stack.storage.indexQueue), "Arn"] },
            Filter: {
              S3Key: {
                Rules: [
                  { Name: "prefix", Value: PREFIXES.results },
                  { Name: "suffix", Value: `/${SUMMARY_FILE}` },
                ],
              },
            },
          },
        ],
      },
    });
  });

  it("keep the bucket private, encrypted, versioned and retained, with access logs in a retained bucket", () => {
    const { template, stack, logicalId } = buildStack();
    const bucket = template.toJSON().Resources[logicalId(stack.storage.bucket)] as {
      DeletionPolicy: string;
      Properties: Record<string, unknown>;
    };
    expect(bucket.DeletionPolicy).toBe("Retain");
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      VersioningConfiguration: { Status: "Enabled" },
      LoggingConfiguration: { LogFilePrefix: "bucket/" },
    });
    template.resourcePropertiesCountIs(
      "AWS::S3::BucketPolicy",
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      },
      2,
    );
    // S3 delivers the access logs under a bucket policy (no ACLs), only from this bucket.
    const logging = bucket.Properties.LoggingConfiguration as { DestinationBucketName: unknown };
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: logging.DestinationBucketName,
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Condition: Match.objectLike({
              ArnLike: { "aws:SourceArn": { "Fn::GetAtt": [logicalId(stack.storage.bucket), "Arn"] } },
            }),
          }),
        ]),
      },
    });
    template.hasResource("AWS::S3::Bucket", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
      }),
    });
  });
});

describe("least privilege", () => {
  it("lets the worker read uploads/, models/ and results/, write results/ only, and consume the work queue", () => {
    const { template, stack, logicalId } = buildStack();
    const grants = roleStatements(template, logicalId(stack.workers.jobRole));
    const bucketArn = `<${logicalId(stack.storage.bucket)}.Arn>`;
    expect(allowedResources(grants, "s3:GetObject*")).toEqual(
      [bucketArn, `${bucketArn}/models/*`, `${bucketArn}/results/*`, `${bucketArn}/uploads/*`].sort(),
    );
    expect(allowedResources(grants, "s3:PutObject")).toEqual([`${bucketArn}/results/*`]);
    expect(allowedResources(grants, "s3:DeleteObject*")).toEqual([]);
    const workQueueArn = `<${logicalId(stack.storage.workQueue)}.Arn>`;
    for (const action of [
      "sqs:ReceiveMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
    ]) {
      expect(allowedResources(grants, action)).toEqual([workQueueArn]);
    }
  });

  it("lets the indexer read results/ and read and write index/ only", () => {
    const { template, stack, logicalId } = buildStack();
    const grants = roleStatements(template, logicalId(stack.indexer.function.role));
    const bucketArn = `<${logicalId(stack.storage.bucket)}.Arn>`;
    expect(allowedResources(grants, "s3:GetObject*")).toEqual(
      [bucketArn, `${bucketArn}/index/*`, `${bucketArn}/results/*`].sort(),
    );
    expect(allowedResources(grants, "s3:PutObject")).toEqual([`${bucketArn}/index/*`]);
    expect(allowedResources(grants, "s3:DeleteObject*")).toEqual([]);
  });

  it("lets the scaler submit only to this job queue with this job definition, and read the work queue's depth", () => {
    const { template, stack, logicalId } = buildStack();
    const grants = roleStatements(template, logicalId(stack.scaler.function.role));
    expect(allowedResources(grants, "batch:SubmitJob")).toEqual(
      [
        `<${logicalId(stack.workers.jobDefinition)}>`,
        `<${logicalId(stack.workers.jobQueue)}.JobQueueArn>`,
      ].sort(),
    );
    expect(allowedResources(grants, "batch:ListJobs")).toEqual(["*"]);
    expect(allowedResources(grants, "batch:DescribeJobs")).toEqual(["*"]);
    expect(allowedResources(grants, "sqs:GetQueueAttributes")).toEqual([
      `<${logicalId(stack.storage.workQueue)}.Arn>`,
    ]);
    expect(allowedActions(grants)).toEqual(
      [
        "batch:DescribeJobs",
        "batch:ListJobs",
        "batch:SubmitJob",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:GetQueueAttributes",
      ].sort(),
    );
  });

  it("has no wildcard service actions, and '*' resources only where the API has no resource-level permissions", () => {
    const { template } = buildStack();
    const statements = allStatements(template);
    const actions = allowedActions(statements);
    expect(actions.filter((action) => action === "*" || action.endsWith(":*"))).toEqual([]);
    // The only wildcards are those bucket.grantRead/grantPut produce, scoped to one bucket and a key prefix.
    expect(actions.filter((action) => action.includes("*"))).toEqual([
      "s3:Abort*",
      "s3:GetBucket*",
      "s3:GetObject*",
      "s3:List*",
    ]);
    expect(allowedActions(statements.filter((statement) => statement.resources.includes("*")))).toEqual([
      "batch:DescribeJobs",
      "batch:ListJobs",
      "ecr:GetAuthorizationToken",
    ]);
  });
});

describe("the index function", () => {
  it("runs functions/indexer/lambda.ts on the current Node.js runtime with the bucket's name", () => {
    const { template, stack, logicalId } = buildStack();
    template.hasResourceProperties("AWS::Lambda::Function", {
      Handler: "index.handler",
      Runtime: FUNCTION_RUNTIME.name,
      Environment: { Variables: { [ENV.bucket]: { Ref: logicalId(stack.storage.bucket) } } },
    });
    expect(FUNCTION_RUNTIME.name).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
  });

  it("takes the index queue in batches, reporting item failures, at most two at a time", () => {
    const { template, stack, logicalId } = buildStack();
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [logicalId(stack.storage.indexQueue), "Arn"] },
      FunctionName: { Ref: logicalId(stack.indexer.function.function) },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("is asked every minute to refresh index/report.html, which is under index/ where it may write", () => {
    const { template, stack, logicalId } = buildStack();
    const rule = scheduleRule(template, logicalId(stack.indexer.reportSchedule));
    expect(rule.ScheduleExpression).toBe("rate(1 minute)");
    expect(rule.Targets).toHaveLength(1);
    const target = rule.Targets[0] as { Arn: unknown; Input: unknown };
    expect(render(target.Arn)).toBe(`<${logicalId(stack.indexer.function.function)}.Arn>`);
    expect(JSON.parse(render(target.Input))).toEqual(REFRESH_REPORT_EVENT);
    expect(REPORT_KEY.startsWith(PREFIXES.index)).toBe(true);
  });
});

function scheduleRule(template: ReturnType<typeof buildStack>["template"], id: string) {
  const rule = template.toJSON().Resources[id] as {
    Type: string;
    Properties: { ScheduleExpression: string; Targets: { Arn: unknown; Input: unknown }[] };
  };
  expect(rule.Type).toBe("AWS::Events::Rule");
  return rule.Properties;
}

describe("the scaler", () => {
  it("runs every minute with the work queue, job queue, job definition and sizing as its input", () => {
    const { template, stack, logicalId } = buildStack({
      "cnn-lens:maxWorkers": 3,
      "cnn-lens:imagesPerWorker": 25,
    });
    const rule = scheduleRule(template, logicalId(stack.scaler.rule));
    expect(rule.ScheduleExpression).toBe("rate(1 minute)");
    expect(rule.Targets).toHaveLength(1);
    const target = rule.Targets[0] as { Arn: unknown; Input: unknown };
    expect(render(target.Arn)).toBe(`<${logicalId(stack.scaler.function.function)}.Arn>`);
    expect(JSON.parse(render(target.Input))).toEqual({
      workQueueUrl: `<${logicalId(stack.storage.workQueue)}>`,
      jobQueue: `<${logicalId(stack.workers.jobQueue)}.JobQueueArn>`,
      jobDefinition: `<${logicalId(stack.workers.jobDefinition)}>`,
      jobName: WORKER_JOB_NAME,
      maxWorkers: 3,
      imagesPerWorker: 25,
    });
  });
});

describe("the alarms", () => {
  it("go off as soon as either dead-letter queue holds a message, and tell the failure topic", () => {
    const { template, stack, logicalId } = buildStack();
    for (const queue of [stack.storage.workDeadLetterQueue, stack.storage.indexDeadLetterQueue]) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        AlarmActions: [{ Ref: logicalId(stack.alarmTopic.topic) }],
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(queue), "QueueName"] } }],
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: "notBreaching",
      });
    }
  });
});
