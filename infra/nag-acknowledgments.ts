import { Stack, Validations } from "aws-cdk-lib";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type { IConstruct } from "constructs";

/**
 * Acknowledges cdk-nag findings on a construct and everything under it, each with the reason it is accepted.
 * Findings are named as cdk-nag reports them, e.g. `AwsSolutions-IAM5[Action::s3:GetObject*]`.
 */
export function acknowledge(scope: IConstruct, reasons: Readonly<Record<string, string>>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

/** The AwsSolutions-IAM5 finding of a grant on the objects under `prefix` in `bucket`. */
export function objectsFinding(bucket: s3.IBucket, prefix: string): string {
  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`;
}

/** The wildcard actions `bucket.grantRead` brings, and why each is acceptable. */
export const GRANT_READ_FINDINGS = {
  "AwsSolutions-IAM5[Action::s3:GetObject*]":
    "From bucket.grantRead on a key prefix: GetObject and its version/tagging/attribute reads, only on that prefix.",
  "AwsSolutions-IAM5[Action::s3:GetBucket*]":
    "From bucket.grantRead: reads of this one bucket's configuration (location, versioning), no other bucket.",
  "AwsSolutions-IAM5[Action::s3:List*]":
    "From bucket.grantRead: listing this one bucket. Without s3:ListBucket a missing key answers 403 instead " +
    "of 404, and the code relies on 404 to tell 'not written yet' from a failure.",
} as const;

/** The wildcard action `bucket.grantPut` brings. */
export const GRANT_PUT_FINDINGS = {
  "AwsSolutions-IAM5[Action::s3:Abort*]":
    "From bucket.grantPut on a key prefix: AbortMultipartUpload, only on that prefix, to end a failed upload.",
} as const;
