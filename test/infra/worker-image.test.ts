import { build } from "esbuild";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV } from "../../shared/config/environment.js";
import { REPO_ROOT, WORKER_DOCKERFILE } from "../../infra/source-paths.js";
import {
  copiedFromContext,
  dockerIgnores,
  endOfLifeCudaImages,
  parseDockerfile,
  runCommands,
  unpinnedBaseImages,
} from "./dockerfile.js";

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
const dockerfile = read(WORKER_DOCKERFILE);
const dockerignore = read(".dockerignore");
const stages = parseDockerfile(dockerfile);
const buildStage = stages.find((stage) => stage.name === "build");
const finalStage = stages.at(-1);
const buildRuns = buildStage ? runCommands(buildStage).join("\n") : "";
const GPU_LOCK = "native/requirements-gpu.lock";

/** Every file under a path of the repository (the path itself for a file). */
function filesUnder(path: string): string[] {
  if (!statSync(join(REPO_ROOT, path)).isDirectory()) return [path];
  return readdirSync(join(REPO_ROOT, path)).flatMap((name) => filesUnder(join(path, name)));
}

/** The old image, on an end-of-life CUDA base and unpinned tags: what the checks below must refuse. */
const OLD_HEADER = `ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
FROM \${NODE_IMAGE} AS node
FROM \${CUDA_IMAGE} AS dependencies
FROM dependencies
FROM \${CUDA_IMAGE}`;

describe("the worker image's base images", () => {
  it("are two stages, a build stage and the final one, both on a base image pinned by digest", () => {
    expect(stages.map((stage) => stage.name)).toEqual(["build", undefined]);
    expect(unpinnedBaseImages(stages)).toEqual([]);
    // Debian bookworm: its python3 is the CPython 3.11 that native/requirements-gpu.lock is for.
    expect(stages.map((stage) => stage.from)).toEqual([
      expect.stringMatching(/^node:\d+\.\d+\.\d+-bookworm-slim@sha256:[0-9a-f]{64}$/),
      stages[0]?.from,
    ]);
  });

  it("include no end-of-life nvidia/cuda image", () => {
    expect(endOfLifeCudaImages(stages)).toEqual([]);
  });

  it("would be refused unpinned or on an end-of-life CUDA, as the image before CUDA 12 was", () => {
    const old = parseDockerfile(OLD_HEADER);
    expect(unpinnedBaseImages(old)).toEqual([
      "node:20.20.2-bookworm-slim",
      "nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04",
      "nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04",
    ]);
    expect(endOfLifeCudaImages(old)).toHaveLength(2);
    expect(endOfLifeCudaImages(parseDockerfile("FROM nvidia/cuda:12.8.1-runtime-ubuntu20.04"))).toHaveLength(
      1,
    );
    expect(endOfLifeCudaImages(parseDockerfile("FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04"))).toEqual([]);
  });
});

describe("the worker image's build stage", () => {
  it("installs the production dependencies without their install scripts, and drops tfjs-node (CPU)", () => {
    expect(buildRuns).toMatch(/npm ci --omit=dev --ignore-scripts\b/);
    expect(buildRuns).toMatch(/rm -rf node_modules\/@tensorflow\/tfjs-node(?:\s|$)/);
  });

  it("installs TensorFlow and the CUDA wheels into a venv from the hash lock, refusing anything unhashed", () => {
    expect(buildRuns).toMatch(/-m venv "\$VENV"/);
    expect(buildRuns).toMatch(/pip" install [^\n]*--require-hashes -r native\/requirements-gpu\.lock/);
  });

  it("builds tfjs-node-gpu's binding with native/build-binding.sh against the venv's TensorFlow, and loads it", () => {
    expect(buildRuns).toMatch(
      /bash native\/build-binding\.sh node_modules\/@tensorflow\/tfjs-node-gpu\s+"\$VENV\/lib\/python3\.11\/site-packages\/tensorflow"/,
    );
    expect(buildRuns).toMatch(
      /test -f node_modules\/@tensorflow\/tfjs-node-gpu\/deps\/nvidia\/cudnn\/lib\/libcudnn\.so\.9/,
    );
    expect(buildRuns).toMatch(/require\("@tensorflow\/tfjs-node-gpu"\)/);
  });
});

describe("the GPU wheels' lock", () => {
  /** name → "version sha256" of each requirement of a lock in native/requirements.lock's format. */
  const pins = (lock: string) =>
    new Map(
      [...lock.matchAll(/^(\S+)==(\S+) \\\n\s+--hash=sha256:([0-9a-f]{64})$/gm)].map(
        ([, name, version, hash]) => [String(name), `${version} ${hash}`],
      ),
    );
  const lock = read(GPU_LOCK);
  const gpu = pins(lock);

  it("pins every wheel by version and sha256 hash, as native/requirements.lock does", () => {
    const entries = lock.split("\n").filter((line) => /^[a-z0-9]/.test(line));
    expect(entries.length).toBeGreaterThan(40);
    expect(gpu.size).toBe(entries.length);
  });

  it("is tensorflow 2.21.0 with CUDA 12 and cuDNN 9, and shares every other wheel with the CPU lock", () => {
    expect(gpu.get("tensorflow")).toMatch(/^2\.21\.0 /);
    expect(gpu.get("nvidia-cuda-runtime-cu12")).toMatch(/^12\./);
    expect(gpu.get("nvidia-cudnn-cu12")).toMatch(/^9\./);
    const cpu = pins(read("native/requirements.lock"));
    cpu.delete("tensorflow-cpu");
    expect(cpu.size).toBeGreaterThan(20);
    expect([...cpu].filter(([name, pin]) => gpu.get(name) !== pin)).toEqual([]);
  });
});

describe("the worker image's final stage", () => {
  const final = finalStage?.instructions ?? [];
  const text = final.map((i) => `${i.keyword} ${i.args}`).join("\n");

  it("runs nothing of its own: the build tools stay in the build stage, it copies what that stage made", () => {
    expect(runCommands(finalStage ?? { from: "", name: undefined, instructions: [] })).toEqual([]);
    expect(text).toMatch(/^COPY --from=build \$\{VENV\} \$\{VENV\}$/m);
    expect(text).toMatch(/^COPY --from=build \/app\/node_modules \.\/node_modules$/m);
    expect(buildRuns).toMatch(/apt-get install [^\n]*\bg\+\+/);
  });

  it("sets only environment variables that cnn-lens, TensorFlow or the NVIDIA runtime read, forcing the GPU", () => {
    const env = Object.fromEntries(
      final
        .filter((i) => i.keyword === "ENV")
        .flatMap((i) => [...i.args.matchAll(/([A-Z_]+)=(\S+)/g)].map(([, name, value]) => [name, value])),
    );
    const ours = Object.values(ENV) as string[];
    expect(Object.fromEntries(Object.entries(env).filter(([name]) => ours.includes(name)))).toEqual({
      [ENV.backend]: "tensorflow-gpu",
      [ENV.requireGpu]: "true",
    });
    // Without `compute` the NVIDIA runtime gives the container no libcuda, and TensorFlow runs on the CPU.
    expect(env).toMatchObject({
      NVIDIA_DRIVER_CAPABILITIES: "compute,utility",
      TF_FORCE_GPU_ALLOW_GROWTH: "true",
    });
  });

  it("runs the worker's main through tsx as a non-root user", () => {
    const users = final.filter((i) => i.keyword === "USER").map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(?:root|0)(?::|$)/);
    expect(final.at(-1)).toEqual({
      keyword: "CMD",
      args: '["node", "--import", "tsx", "functions/worker/main.ts"]',
    });
  });
});

describe("the worker image's build context", () => {
  const copied = stages.flatMap(copiedFromContext);

  it("holds everything the Dockerfile copies, and what the binding build needs, through /.dockerignore", () => {
    expect(copied).toEqual(
      expect.arrayContaining([
        "package.json",
        "package-lock.json",
        GPU_LOCK,
        "native/build-binding.sh",
        "shared",
        "functions/worker",
      ]),
    );
    for (const path of copied)
      expect({ path, exists: existsSync(join(REPO_ROOT, path)) }).toEqual({ path, exists: true });
    const ignored = copied.flatMap(filesUnder).filter((file) => dockerIgnores(REPO_ROOT, dockerignore, file));
    expect(ignored).toEqual([]);
  });

  it("leaves out the rest of the repository, and would leave out the binding script if not let through", () => {
    for (const path of [
      "README.md",
      "node_modules/.package-lock.json",
      "native/install.sh",
      "functions/indexer/lambda.ts",
      "models/default/model.json",
    ]) {
      expect({ path, ignored: dockerIgnores(REPO_ROOT, dockerignore, path) }).toEqual({
        path,
        ignored: true,
      });
    }
    const withoutScript = dockerignore.replace("!native/build-binding.sh\n", "");
    expect(dockerIgnores(REPO_ROOT, withoutScript, "native/build-binding.sh")).toBe(true);
  });

  it("sends everything the worker imports", async () => {
    const result = await build({
      entryPoints: [join(REPO_ROOT, "functions/worker/main.ts")],
      absWorkingDir: REPO_ROOT,
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "silent",
    });
    const sources = Object.keys(result.metafile.inputs);
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.filter((source) => dockerIgnores(REPO_ROOT, dockerignore, source))).toEqual([]);
  });
});
