import { randomBytes } from "node:crypto";
import { DeleteStackCommand } from "@aws-sdk/client-cloudformation";
import { ensureLocalStack } from "../../cli/local/localstack.js";
import { provisionLocalStack } from "../../cli/local/provision.js";
import { LOCALSTACK } from "../../shared/storage/aws-connection.js";
import { s3Client } from "../../shared/storage/s3-client.js";
import { sqsClient } from "../../shared/storage/sqs-client.js";
import { cloudFormationClient } from "../../shared/storage/cloudformation-client.js";
import type { StackOutputs } from "../../shared/storage/queue-settings.js";

/** A fresh copy of the local stack in a real LocalStack (started if none is listening), for one test file. */
export async function freshLocalStack() {
  await ensureLocalStack(LOCALSTACK);
  const cloudFormation = cloudFormationClient(LOCALSTACK);
  const stackName = `CnnLensTest${randomBytes(4).toString("hex")}`;
  const outputs: StackOutputs = await provisionLocalStack(cloudFormation, stackName);
  return {
    outputs,
    stackName,
    s3: s3Client(LOCALSTACK),
    sqs: sqsClient(LOCALSTACK),
    /** Deletes the stack's queues (the bucket is retained by design, as in the cloud). */
    async dispose() {
      await cloudFormation.send(new DeleteStackCommand({ StackName: stackName })).catch(() => undefined);
    },
  };
}
