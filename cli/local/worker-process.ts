import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ENV } from "../../shared/config/environment.js";
import type { AwsConnection } from "../../shared/storage/aws-connection.js";
import type { StackOutputs } from "../../shared/storage/queue-settings.js";

const WORKER_MAIN = join(import.meta.dirname, "..", "..", "functions", "worker", "main.ts");

/** Options for a local worker process. */
export interface WorkerProcessOptions {
  readonly aws: AwsConnection;
  readonly outputs: StackOutputs;
  readonly watch: boolean;
  /** Extra environment, such as CNN_LENS_IDLE_SECONDS or CNN_LENS_THREADS. */
  readonly environment?: Record<string, string>;
  /** Receives each JSON log line of the worker. */
  readonly onLog?: (line: string) => void;
}

/** Starts `functions/worker/main.ts` as its own process, as a Batch job runs it in the cloud. */
export function startWorkerProcess(options: WorkerProcessOptions): ChildProcess {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(
    process.execPath,
    ["--import", tsx, WORKER_MAIN, ...(options.watch ? ["--watch"] : [])],
    {
      env: {
        ...process.env,
        [ENV.bucket]: options.outputs.bucket,
        [ENV.workQueueUrl]: options.outputs.workQueueUrl,
        [ENV.region]: options.aws.region,
        ...(options.aws.endpoint ? { [ENV.endpoint]: options.aws.endpoint } : {}),
        ...options.environment,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) options.onLog?.(line);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  return child;
}

/** Asks a worker to stop (SIGTERM) and waits for it to exit. */
export function stopWorkerProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}
