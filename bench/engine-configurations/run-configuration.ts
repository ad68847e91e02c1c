import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { Measurement, Workload } from "./workload.js";

/** How to start one configuration's process: a TypeScript file run by tsx, or another program. */
export type Command =
  | { readonly tsx: string; readonly args?: readonly string[] }
  | { readonly program: string; readonly args: readonly string[] };

/** A measurement, or why the configuration could not run (the first error line its process printed). */
export type Outcome = { readonly measurement: Measurement } | { readonly error: string };

/**
 * Runs one configuration in a process of its own, so that its peak RSS is its own, and reads the JSON report it
 * prints last. TypeScript configurations get the workload as their first argument.
 */
export function runConfiguration(command: Command, workload: Workload): Promise<Outcome> {
  const [program, args] =
    "tsx" in command
      ? [
          process.execPath,
          [
            "--import",
            pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href,
            command.tsx,
            JSON.stringify(workload),
            ...(command.args ?? []),
          ],
        ]
      : [command.program, command.args];
  const child = spawn(program, args, {
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on("error", (error) => resolve({ error: `${program} could not start: ${error.message}` }));
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      if (code === 0 && last.startsWith("{"))
        return resolve({ measurement: JSON.parse(last) as Measurement });
      const lines = stderr.split("\n").map((line) => line.trim());
      const reason = lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.filter(Boolean).pop();
      resolve({ error: reason ?? `exited with code ${code} and no message` });
    });
  });
}
