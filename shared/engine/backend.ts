import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";

import { BACKEND_CHOICES, type BackendChoice } from "../config/backend-choices.js";
import { registerTfCompatibleGradients } from "./tf-compatible-gradients.js";

type ConcreteBackend = Exclude<BackendChoice, "auto">;

/** The backend that actually runs, recorded in every summary. */
export interface RuntimeInfo {
  /** The tfjs backend name: `tensorflow`, `wasm` or `cpu`. */
  readonly backend: string;
  /** The package that provides it. */
  readonly backendPackage: string;
  readonly tfjsVersion: string;
  readonly nodeVersion: string;
  /** Why each backend tried before this one did not load. */
  readonly skipped: readonly string[];
}

const AUTO_ORDER: readonly ConcreteBackend[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];
const PACKAGE: Record<ConcreteBackend, string> = {
  "tensorflow-gpu": "@tensorflow/tfjs-node-gpu",
  tensorflow: "@tensorflow/tfjs-node",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs-backend-cpu",
};

let active: RuntimeInfo | undefined;

/**
 * Loads and activates a tfjs backend once per process. With `auto`, native TensorFlow (GPU, then CPU) is used
 * when its package and libtensorflow load, otherwise the wasm backend, otherwise the pure-JS cpu backend.
 * A forced choice that cannot load throws with the reason. It also registers the gradients that TF.js takes
 * differently from TensorFlow, redone as TensorFlow takes them (see `tf-compatible-gradients.ts`).
 */
export async function initBackend(choice: BackendChoice = "auto"): Promise<RuntimeInfo> {
  if (active) return active;
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new RangeError(
      `unknown backend ${JSON.stringify(choice)}; use one of ${BACKEND_CHOICES.join(", ")}`,
    );
  }
  const candidates = choice === "auto" ? AUTO_ORDER : [choice];
  const skipped: string[] = [];
  for (const candidate of candidates) {
    try {
      const backend = await activate(candidate);
      registerTfCompatibleGradients();
      active = {
        backend,
        backendPackage: PACKAGE[candidate],
        tfjsVersion: tf.version.tfjs,
        nodeVersion: process.versions.node,
        skipped,
      };
      return active;
    } catch (error) {
      skipped.push(`${candidate}: ${firstLine(error)}`);
    }
  }
  throw new Error(`no tfjs backend could be loaded (${skipped.join("; ")})`);
}

/** The backend chosen by {@link initBackend}; throws if it has not run. */
export function runtimeInfo(): RuntimeInfo {
  if (!active) throw new Error("initBackend() must run before the engine is used");
  return active;
}

async function activate(candidate: ConcreteBackend): Promise<string> {
  if (candidate === "tensorflow-gpu" || candidate === "tensorflow") {
    const require = createRequire(import.meta.url);
    assertBindingBuilt(candidate, dirname(require.resolve(`${PACKAGE[candidate]}/package.json`)));
    // TensorFlow's C++ logging at INFO prints a line per op placement and CPU feature; warnings and errors stay.
    process.env["TF_CPP_MIN_LOG_LEVEL"] ??= "2";
    require(PACKAGE[candidate]);
    await setBackend("tensorflow");
    const { registerNativeGradients } = await import("./native-gradients.js");
    registerNativeGradients();
    return "tensorflow";
  }
  if (candidate === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    await setBackend("wasm");
    // After the backend is up, so that the stock kernels it replaces were set up and can be restored.
    const { registerFastWasmKernels } = await import("./wasm-kernels/index.js");
    registerFastWasmKernels();
    return "wasm";
  }
  await setBackend(candidate);
  return candidate;
}

/**
 * tfjs-node's binding is compiled by `npm run native:install` (or the GPU worker image), never by npm's install
 * script. Requiring the package without it would register its kernels and then fail, so it is checked first.
 */
function assertBindingBuilt(candidate: "tensorflow" | "tensorflow-gpu", packageDir: string): void {
  const libDir = join(packageDir, "lib");
  const built =
    existsSync(libDir) &&
    readdirSync(libDir).some((napi) => existsSync(join(libDir, napi, "tfjs_binding.node")));
  if (!built) {
    const how =
      candidate === "tensorflow"
        ? "run `npm run native:install`"
        : "it is built in the GPU worker image (functions/worker/Dockerfile)";
    throw new Error(`${PACKAGE[candidate]} has no compiled binding: ${how}`);
  }
}

async function setBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") failed`);
  await tf.ready();
  quietCpuBackend();
}

/** The cpu backend advises installing tfjs-node on first use; cnn-lens already tried it, so the advice is noise. */
function quietCpuBackend(): void {
  const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
