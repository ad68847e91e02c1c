import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { StorageAndQueues } from "./storage-and-queues.js";

/** The cnn-lens cloud stack: storage and queues; GPU compute and the index function come next. */
export class CnnLensStack extends Stack {
  readonly storage: StorageAndQueues;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, { description: "cnn-lens: explanations of image CNNs at scale", ...props });
    this.storage = new StorageAndQueues(this, "Storage");
  }
}
