import { SQSClient } from "@aws-sdk/client-sqs";
import { clientSettings, type AwsConnection } from "./aws-connection.js";

export function sqsClient(connection: AwsConnection): SQSClient {
  return new SQSClient(clientSettings(connection));
}
