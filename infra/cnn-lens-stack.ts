import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";

/** The cnn-lens stack. Storage, queues, GPU compute and the index function are added by later constructs. */
export class CnnLensStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, { description: "cnn-lens: explanations of image CNNs at scale", ...props });
  }
}
