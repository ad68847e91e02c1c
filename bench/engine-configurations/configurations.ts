import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Command } from "./run-configuration.js";
import type { Workload } from "./workload.js";

/** The interpreter of the venv `npm run native:install` makes; its TensorFlow is the one tfjs-node links. */
export const NATIVE_PYTHON = join(import.meta.dirname, "..", "..", ".venv-tensorflow", "bin", "python");

/** One way of computing the workload's IG, run in a process of its own. */
export interface Configuration {
  /** Short name, used in ratios and for the output file. */
  readonly key: ConfigurationKey;
  readonly name: string;
  /** Needs native TensorFlow (`npm run native:install`). */
  readonly native: boolean;
  readonly command: (workload: Workload) => Command;
}

export type ConfigurationKey = "wasm" | "tensorflow" | "eager" | "function";

const script = (name: string) => join(import.meta.dirname, name);
const engine = (backend: string) => () => ({
  tsx: script("engine-integrated-gradients.ts"),
  args: [backend],
});
const notebook = (variant: string) => (workload: Workload) => ({
  program: NATIVE_PYTHON,
  args: [
    join(import.meta.dirname, "..", "python", "seed_integrated_gradients.py"),
    ...[workload.bundle, workload.input, workload.output],
    ...["--target", String(workload.target), "--steps", String(workload.steps), "--variant", variant],
  ],
});

/** What `bench:engine` compares, in the order it runs them. */
export const CONFIGURATIONS: readonly Configuration[] = [
  {
    key: "wasm",
    name: `engine, wasm fast kernels, ${availableParallelism()} threads`,
    native: false,
    command: engine("wasm"),
  },
  {
    key: "tensorflow",
    name: "engine, tensorflow backend",
    native: true,
    command: engine("tensorflow"),
  },
  {
    key: "eager",
    name: "Python TF, notebook (eager loop)",
    native: true,
    command: notebook("eager"),
  },
  {
    key: "function",
    name: "Python TF, @tf.function per batch",
    native: true,
    command: notebook("function"),
  },
];

/** Whether `npm run native:install` has made the venv (the tfjs-node binding is checked when it loads). */
export function nativeInstalled(): boolean {
  return existsSync(NATIVE_PYTHON);
}
