import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { clientSettings, type AwsConnection } from "./aws-connection.js";

export function cloudFormationClient(connection: AwsConnection): CloudFormationClient {
  return new CloudFormationClient(clientSettings(connection));
}
