import { App, BootstraplessSynthesizer, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { StorageAndQueues } from "./storage-and-queues.js";

/** The name of the stack that LocalStack runs. */
export const LOCAL_STACK_NAME = "CnnLensLocal";

/**
 * The part of cnn-lens that LocalStack can run (bucket, queues, notifications), from the same construct as the
 * cloud stack. It needs no bootstrap: no assets, no bootstrap-version rule.
 */
export class CnnLensLocalStack extends Stack {
  readonly storage: StorageAndQueues;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer(), analyticsReporting: false });
    this.storage = new StorageAndQueues(this, "Storage");
  }
}

/** The CloudFormation template of the local stack, synthesized in memory. */
export function localStackTemplate(): Record<string, unknown> {
  const app = new App({ outdir: undefined, context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new CnnLensLocalStack(app, LOCAL_STACK_NAME);
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}
