import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";

/** Every bucket of cnn-lens: private, TLS only, encrypted, versioned, and kept when the stack goes. */
export const SECURE_BUCKET_PROPS: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  encryption: s3.BucketEncryption.S3_MANAGED,
  versioned: true,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: RemovalPolicy.RETAIN,
};

/** Every queue of cnn-lens: encrypted at rest by SQS and TLS only. */
export const SECURE_QUEUE_PROPS: sqs.QueueProps = {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
};

/** A dead-letter queue that keeps messages as long as SQS allows. */
export function deadLetterQueueProps(retentionDays: number): sqs.QueueProps {
  return { ...SECURE_QUEUE_PROPS, retentionPeriod: Duration.days(retentionDays) };
}
