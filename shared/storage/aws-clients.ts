import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";

// Node 20 is this project's runtime until tfjs-node-gpu supports newer ones; the SDK's notice about it is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Where the AWS APIs are: the real ones (no endpoint) or LocalStack's. */
export interface AwsConnection {
  readonly region: string;
  /** An endpoint such as LocalStack's `http://127.0.0.1:4566`; S3 then uses path-style addressing. */
  readonly endpoint?: string;
}

/** LocalStack's endpoint, as the local pipeline and the tests use it. */
export const LOCALSTACK: AwsConnection = { region: "us-east-1", endpoint: "http://127.0.0.1:4566" };

function common(connection: AwsConnection) {
  if (!connection.endpoint) return { region: connection.region };
  return {
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
}

export function s3Client(connection: AwsConnection): S3Client {
  return new S3Client({ ...common(connection), forcePathStyle: connection.endpoint !== undefined });
}

export function sqsClient(connection: AwsConnection): SQSClient {
  return new SQSClient(common(connection));
}

export function cloudFormationClient(connection: AwsConnection): CloudFormationClient {
  return new CloudFormationClient(common(connection));
}
