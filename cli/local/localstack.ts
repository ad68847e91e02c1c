import { spawn } from "node:child_process";
import { join } from "node:path";
import type { AwsConnection } from "../../shared/storage/aws-connection.js";

const REPO = join(import.meta.dirname, "..", "..");

/** Whether LocalStack answers its health check with S3, SQS and CloudFormation available. */
export async function localStackIsReady(connection: AwsConnection): Promise<boolean> {
  try {
    const response = await fetch(`${connection.endpoint}/_localstack/health`, {
      signal: AbortSignal.timeout(2000),
    });
    if (!response.ok) return false;
    const { services } = (await response.json()) as { services?: Record<string, string> };
    return ["s3", "sqs", "cloudformation"].every((name) =>
      ["available", "running"].includes(services?.[name] ?? ""),
    );
  } catch {
    return false;
  }
}

/**
 * Uses the LocalStack already listening, or installs (once) and starts the pinned one from `localstack/start.sh`.
 * Returns whether this call started it.
 */
export async function ensureLocalStack(
  connection: AwsConnection,
  log: (line: string) => void = () => {},
): Promise<boolean> {
  if (await localStackIsReady(connection)) return false;
  log("starting LocalStack 4.13.1 (the first run installs it into .venv-localstack, about 2 minutes)");
  await new Promise<void>((resolve, reject) => {
    const child = spawn("bash", [join(REPO, "localstack", "start.sh")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`localstack/start.sh exited with ${code}:\n${output.slice(-2000)}`)),
    );
  });
  if (!(await localStackIsReady(connection)))
    throw new Error("LocalStack started but its health check is not ready");
  return true;
}
