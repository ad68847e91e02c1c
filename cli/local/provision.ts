import {
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type CloudFormationClient,
  type Stack,
} from "@aws-sdk/client-cloudformation";
import { LOCAL_STACK_NAME, localStackTemplate } from "../../infra/local-stack.js";
import { STACK_OUTPUTS, type StackOutputs } from "../../shared/storage/queue-settings.js";

/**
 * Deploys the CDK-synthesized local stack into LocalStack's CloudFormation (creating or updating it) and returns
 * its outputs: the names and URLs are never written down a second time.
 */
export async function provisionLocalStack(
  cloudFormation: CloudFormationClient,
  stackName = LOCAL_STACK_NAME,
): Promise<StackOutputs> {
  const TemplateBody = JSON.stringify(localStackTemplate());
  const existing = await describe(cloudFormation, stackName);
  if (!existing || existing.StackStatus === "ROLLBACK_COMPLETE") {
    await cloudFormation.send(new CreateStackCommand({ StackName: stackName, TemplateBody }));
  } else {
    try {
      await cloudFormation.send(new UpdateStackCommand({ StackName: stackName, TemplateBody }));
    } catch (error) {
      if (!/No updates are to be performed/.test((error as Error).message)) throw error;
    }
  }
  const stack = await waitForStack(cloudFormation, stackName);
  const outputs = Object.fromEntries(
    (stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
  );
  const result = Object.fromEntries(
    Object.entries(STACK_OUTPUTS).map(([name, key]) => {
      const value = outputs[key];
      if (!value) throw new Error(`stack ${stackName} has no output ${key}`);
      return [name, value];
    }),
  );
  return result as StackOutputs;
}

async function describe(cloudFormation: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks?.[0];
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
}

async function waitForStack(
  cloudFormation: CloudFormationClient,
  stackName: string,
  timeoutMs = 120_000,
): Promise<Stack> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stack = await describe(cloudFormation, stackName);
    const status = stack?.StackStatus ?? "MISSING";
    if (stack && /_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status)) return stack;
    if (/FAILED|ROLLBACK|DELETE/.test(status) && !/IN_PROGRESS$/.test(status)) {
      throw new Error(`stack ${stackName} is ${status}: ${stack?.StackStatusReason ?? "no reason given"}`);
    }
    if (Date.now() > deadline)
      throw new Error(`stack ${stackName} still ${status} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
