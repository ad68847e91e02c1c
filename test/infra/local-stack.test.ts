import { describe, expect, it } from "vitest";
import { localStackTemplate } from "../../infra/local-stack.js";

describe("the LocalStack stack", () => {
  it("holds only what LocalStack's CloudFormation creates without Docker: the bucket, queues and policies", () => {
    const resources = localStackTemplate().Resources as Record<string, { Type: string }>;
    const types = new Set(Object.values(resources).map((resource) => resource.Type));
    expect([...types].sort()).toEqual(
      ["AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy"].sort(),
    );
  });

  it("has no access logging: the cloud stack adds that", () => {
    const resources = localStackTemplate().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const buckets = Object.values(resources).filter((resource) => resource.Type === "AWS::S3::Bucket");
    expect(buckets).toHaveLength(1);
    expect(buckets.map((bucket) => bucket.Properties.LoggingConfiguration)).toEqual([undefined]);
  });

  it("versions its bucket as the cloud does, and has no lifecycle rules: the cloud stack adds those", () => {
    const resources = localStackTemplate().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const buckets = Object.values(resources).filter((resource) => resource.Type === "AWS::S3::Bucket");
    expect(buckets.map((bucket) => bucket.Properties.VersioningConfiguration)).toEqual([
      { Status: "Enabled" },
    ]);
    expect(buckets.map((bucket) => bucket.Properties.LifecycleConfiguration)).toEqual([undefined]);
  });
});
