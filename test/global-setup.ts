import { ensureLocalStack } from "../cli/local/localstack.js";
import { LOCALSTACK } from "../shared/storage/aws-clients.js";

/** Starts the pinned LocalStack once for the whole run when none is listening; integration tests use it. */
export default async function setup(): Promise<void> {
  await ensureLocalStack(LOCALSTACK, (line) => console.log(`[global-setup] ${line}`));
}
