import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  assertGpuVisible,
  gpuRequirementProblem,
  probeGpu,
  type GpuProbe,
} from "../../../functions/worker/gpu-requirement.js";

const gpuBackend = { backendPackage: "@tensorflow/tfjs-node-gpu", skipped: [] };
const driver = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.178.04  Release Build";
const onGpu: GpuProbe = { usingGpuDevice: true, devices: ["/dev/nvidia0"], driver };

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A filesystem root with these files (paths relative to it, e.g. `dev/nvidia0`). */
function fakeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "cnn-lens-gpu-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("probing the GPU", () => {
  it("reads tfjs-node's device choice, the container's /dev/nvidiaN in order, and the driver's first line", () => {
    const root = fakeRoot({
      "dev/nvidia10": "",
      "dev/nvidia2": "",
      "dev/nvidiactl": "",
      "dev/nvidia-uvm": "",
      "dev/null": "",
      "proc/driver/nvidia/version": `${driver}\nGCC version: gcc 11\n`,
    });
    expect(probeGpu({ isUsingGpuDevice: true }, root)).toEqual({
      usingGpuDevice: true,
      devices: ["/dev/nvidia2", "/dev/nvidia10"],
      driver,
    });
  });

  it("finds nothing on a machine without NVIDIA, and no device choice on backends other than tensorflow", () => {
    expect(probeGpu({ isUsingGpuDevice: false }, fakeRoot({ "dev/null": "" }))).toEqual({
      usingGpuDevice: false,
      devices: [],
      driver: undefined,
    });
    expect(probeGpu({}, fakeRoot({})).usingGpuDevice).toBeUndefined();
  });
});

describe("CNN_LENS_REQUIRE_GPU", () => {
  it("passes when tfjs-node-gpu's TensorFlow placed its kernels on a GPU", () => {
    expect(gpuRequirementProblem(gpuBackend, onGpu)).toBeUndefined();
    expect(() => assertGpuVisible(gpuBackend, onGpu)).not.toThrow();
  });

  it("fails when another backend loaded, naming it, why tfjs-node-gpu did not, and how to fix it", () => {
    const wasm = {
      backendPackage: "@tensorflow/tfjs-backend-wasm",
      skipped: ["tensorflow-gpu: @tensorflow/tfjs-node-gpu has no compiled binding"],
    };
    expect(() =>
      assertGpuVisible(wasm, { usingGpuDevice: undefined, devices: [], driver: undefined }),
    ).toThrow(
      /^CNN_LENS_REQUIRE_GPU is set but the backend is @tensorflow\/tfjs-backend-wasm, not @tensorflow\/tfjs-node-gpu \(tensorflow-gpu: @tensorflow\/tfjs-node-gpu has no compiled binding\): build the worker image from functions\/worker\/Dockerfile.*CNN_LENS_BACKEND=tensorflow-gpu$/,
    );
  });

  it("fails when TensorFlow runs on the CPU because no GPU was passed into the container", () => {
    const problem = gpuRequirementProblem(gpuBackend, { usingGpuDevice: false, devices: [], driver });
    expect(problem).toMatch(
      /^no GPU is passed into the container \(no \/dev\/nvidia0; host driver: NVRM version/,
    );
    expect(problem).toMatch(/docker run --gpus all/);
    expect(problem).toMatch(/ECS_AL2023_NVIDIA/);
    expect(
      gpuRequirementProblem(gpuBackend, { usingGpuDevice: false, devices: [], driver: undefined }),
    ).toMatch(/no NVIDIA driver in \/proc\/driver\/nvidia\/version/);
  });

  it("fails when the container has a GPU but TensorFlow did not take it, listing what to check", () => {
    const problem = gpuRequirementProblem(gpuBackend, { ...onGpu, usingGpuDevice: false });
    expect(problem).toMatch(
      /^the container has \/dev\/nvidia0 \(host driver: .*580\.178\.04.*\) but TensorFlow found no usable GPU/,
    );
    for (const check of [
      "TF_CPP_MIN_LOG_LEVEL=0",
      "nvidia-smi",
      "NVIDIA_DRIVER_CAPABILITIES",
      "deps/nvidia",
      "6.0",
    ]) {
      expect(problem).toContain(check);
    }
  });

  it("treats a tensorflow backend that reports no device choice as not on a GPU", () => {
    expect(gpuRequirementProblem(gpuBackend, { ...onGpu, usingGpuDevice: undefined })).toMatch(
      /found no usable GPU/,
    );
  });
});
