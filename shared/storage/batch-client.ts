import { BatchClient } from "@aws-sdk/client-batch";
import { clientSettings, type AwsConnection } from "./aws-connection.js";

export function batchClient(connection: AwsConnection): BatchClient {
  return new BatchClient(clientSettings(connection));
}
