import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { LOCAL_STACK_NAME } from "../../infra/local-stack.js";
import { ENV, environmentReader } from "../../shared/config/environment.js";
import { cloudFormationClient, LOCALSTACK, type AwsConnection } from "../../shared/storage/aws-clients.js";
import { STACK_OUTPUTS, type StackOutputs } from "../../shared/storage/queue-settings.js";

/** Where the CLI's commands find the bucket and the queues. */
export interface Deployment {
  readonly aws: AwsConnection;
  readonly outputs: StackOutputs;
}

/**
 * The deployment to talk to: the stack named by `CNN_LENS_STACK` in the cloud when it is set, otherwise the local
 * stack on LocalStack (`npm start` creates it).
 */
export async function findDeployment(
  environment: Readonly<Record<string, string | undefined>>,
): Promise<Deployment> {
  const env = environmentReader(environment);
  const cloudStack = env.string(ENV.stack);
  const aws: AwsConnection = cloudStack ? { region: env.string(ENV.region) ?? "us-east-1" } : LOCALSTACK;
  const stackName = cloudStack ?? LOCAL_STACK_NAME;
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormationClient(aws).send(
      new DescribeStacksCommand({ StackName: stackName }),
    );
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""]),
    );
  } catch (error) {
    const where = cloudStack ? `in ${aws.region}` : "on LocalStack (run npm start first)";
    throw new Error(`cannot find the stack ${stackName} ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const entries = Object.entries(STACK_OUTPUTS).map(([name, key]) => [name, outputs[key] ?? ""]);
  const missing = entries.filter(([, value]) => value === "").map(([name]) => name);
  if (missing.length > 0) throw new Error(`stack ${stackName} lacks the outputs ${missing.join(", ")}`);
  return { aws, outputs: Object.fromEntries(entries) as StackOutputs };
}
