import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { LOCAL_STACK_NAME } from "../../infra/local-stack.js";
import { ENV, environmentReader } from "../../shared/config/environment.js";
import { LOCALSTACK, type AwsConnection } from "../../shared/storage/aws-connection.js";
import { cloudFormationClient } from "../../shared/storage/cloudformation-client.js";
import { STACK_OUTPUTS, type StackOutputs } from "../../shared/storage/queue-settings.js";

/** Where the CLI's commands find the bucket and the queues. */
export interface Deployment {
  readonly aws: AwsConnection;
  readonly outputs: StackOutputs;
}

/**
 * The deployment to talk to: the stack named by `CNN_LENS_STACK` (in the cloud, or on the endpoint named by
 * `CNN_LENS_AWS_ENDPOINT`), otherwise the local stack on LocalStack that `npm start` creates.
 */
export async function findDeployment(
  environment: Readonly<Record<string, string | undefined>>,
): Promise<Deployment> {
  const env = environmentReader(environment);
  const namedStack = env.string(ENV.stack);
  const endpoint = env.string(ENV.endpoint);
  const region = env.string(ENV.region) ?? LOCALSTACK.region;
  const aws: AwsConnection =
    namedStack && !endpoint ? { region } : { region, endpoint: endpoint ?? LOCALSTACK.endpoint };
  const stackName = namedStack ?? LOCAL_STACK_NAME;
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormationClient(aws).send(
      new DescribeStacksCommand({ StackName: stackName }),
    );
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""]),
    );
  } catch (error) {
    const where = aws.endpoint ? `at ${aws.endpoint} (run npm start first)` : `in ${aws.region}`;
    throw new Error(`cannot find the stack ${stackName} ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const entries = Object.entries(STACK_OUTPUTS).map(([name, key]) => [name, outputs[key] ?? ""]);
  const missing = entries.filter(([, value]) => value === "").map(([name]) => name);
  if (missing.length > 0) throw new Error(`stack ${stackName} lacks the outputs ${missing.join(", ")}`);
  return { aws, outputs: Object.fromEntries(entries) as StackOutputs };
}
