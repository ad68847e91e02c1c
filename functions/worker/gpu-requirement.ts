import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ENV } from "../../shared/config/environment.js";
import type { RuntimeInfo } from "../../shared/engine/backend.js";

const GPU_PACKAGE = "@tensorflow/tfjs-node-gpu";

/** Where TensorFlow put the worker's kernels, and which NVIDIA GPUs the container can see. */
export interface GpuProbe {
  /**
   * Whether TensorFlow found a GPU when tfjs-node created its context (tfjs-node's `isUsingGpuDevice`); when it
   * found none, every kernel runs on the CPU without a word. Undefined for backends other than tensorflow.
   */
  readonly usingGpuDevice: boolean | undefined;
  /** The GPU device files in the container (`/dev/nvidia0`, …): present only for GPUs passed into it. */
  readonly devices: readonly string[];
  /** The first line of `/proc/driver/nvidia/version`: the host's NVIDIA kernel driver, if any. */
  readonly driver: string | undefined;
}

/**
 * Probes this process: `backend` is the active tfjs backend (`tf.backend()`), `root` the filesystem root whose
 * `dev/` and `proc/` are read (a test passes a folder of its own).
 */
export function probeGpu(backend: object, root = "/"): GpuProbe {
  const reported = (backend as { isUsingGpuDevice?: unknown }).isUsingGpuDevice;
  const devDir = join(root, "dev");
  const versionFile = join(root, "proc", "driver", "nvidia", "version");
  return {
    usingGpuDevice: typeof reported === "boolean" ? reported : undefined,
    devices: existsSync(devDir)
      ? readdirSync(devDir)
          .filter((name) => /^nvidia\d+$/.test(name))
          .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
          .map((name) => `/dev/${name}`)
      : [],
    driver: existsSync(versionFile) ? readFileSync(versionFile, "utf8").split("\n")[0]?.trim() : undefined,
  };
}

type LoadedBackend = Pick<RuntimeInfo, "backendPackage" | "skipped">;

/** Why the worker would not run on a GPU, naming what is missing and what to check; undefined when it will. */
export function gpuRequirementProblem(runtime: LoadedBackend, probe: GpuProbe): string | undefined {
  if (runtime.backendPackage !== GPU_PACKAGE) {
    const skipped = runtime.skipped.length > 0 ? ` (${runtime.skipped.join("; ")})` : "";
    return (
      `the backend is ${runtime.backendPackage}, not ${GPU_PACKAGE}${skipped}: build the worker image from ` +
      `functions/worker/Dockerfile, which compiles ${GPU_PACKAGE}'s binding, and set ${ENV.backend}=tensorflow-gpu`
    );
  }
  if (probe.usingGpuDevice === true) return undefined;
  const driver = probe.driver
    ? `host driver: ${probe.driver}`
    : "no NVIDIA driver in /proc/driver/nvidia/version";
  if (probe.devices.length === 0) {
    return (
      `no GPU is passed into the container (no /dev/nvidia0; ${driver}), so TensorFlow would run on the CPU: ` +
      `run it with \`docker run --gpus all\` (NVIDIA Container Toolkit), or on AWS Batch with a GPU resource ` +
      `requirement on the ECS_AL2023_NVIDIA AMI`
    );
  }
  return (
    `the container has ${probe.devices.join(", ")} (${driver}) but TensorFlow found no usable GPU, so it would ` +
    `run on the CPU. TensorFlow's log lines above say why (set TF_CPP_MIN_LOG_LEVEL=0 to see them all); check that ` +
    `nvidia-smi works in the container and reports CUDA 12 or newer, that NVIDIA_DRIVER_CAPABILITIES ` +
    `includes compute, that node_modules/${GPU_PACKAGE}/deps/nvidia leads to the venv's nvidia/ folder (the CUDA ` +
    `and cuDNN wheels), and that the GPU is one TensorFlow 2.21 supports (compute capability 6.0 or newer)`
  );
}

/**
 * CNN_LENS_REQUIRE_GPU: throws unless the worker's kernels will run on a GPU. Loading tfjs-node-gpu is not enough: with a
 * CUDA build of TensorFlow but no GPU visible, TensorFlow silently places everything on the CPU.
 */
export function assertGpuVisible(runtime: LoadedBackend, probe: GpuProbe): void {
  const problem = gpuRequirementProblem(runtime, probe);
  if (problem) throw new Error(`${ENV.requireGpu} is set but ${problem}`);
}
