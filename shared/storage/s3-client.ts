import { S3Client } from "@aws-sdk/client-s3";
import { clientSettings, type AwsConnection } from "./aws-connection.js";

export function s3Client(connection: AwsConnection): S3Client {
  return new S3Client({ ...clientSettings(connection), forcePathStyle: connection.endpoint !== undefined });
}
