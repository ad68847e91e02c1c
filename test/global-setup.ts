import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ensureLocalStack } from "../cli/local/localstack.js";
import { LOCALSTACK } from "../shared/storage/aws-connection.js";

/**
 * Starts the pinned LocalStack once for the whole run when none is listening; integration tests use it. A
 * LocalStack this run started is stopped when the run ends; one that was already listening is left alone.
 */
export default async function setup(): Promise<() => void> {
  const started = await ensureLocalStack(LOCALSTACK, (line) => console.log(`[global-setup] ${line}`));
  return () => {
    if (started)
      spawnSync("bash", [join(import.meta.dirname, "..", "localstack", "stop.sh")], { stdio: "inherit" });
  };
}
