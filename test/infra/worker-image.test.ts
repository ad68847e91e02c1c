import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV } from "../../shared/config/environment.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const dockerfile = read("functions/worker/Dockerfile");

describe("the worker image", () => {
  it("starts from CUDA 11.2 with cuDNN 8, what libtensorflow 2.9.1 (tfjs-node-gpu 4.x) is built against", () => {
    expect(dockerfile).toMatch(/^ARG CUDA_IMAGE=nvidia\/cuda:11\.2\.\d+-cudnn8-runtime-ubuntu20\.04$/m);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20\./m);
    const lock = JSON.parse(read("package-lock.json")) as {
      packages: Record<string, { version?: string }>;
    };
    expect(lock.packages["node_modules/@tensorflow/tfjs-node-gpu"]?.version).toMatch(/^4\./);
  });

  it("sets only environment variables that cnn-lens or TensorFlow read, forcing the GPU backend", () => {
    const names = [...dockerfile.matchAll(/^(?:ENV|\s+)\s*([A-Z_]+)=(\S+)/gm)].map(
      ([, name, value]) => [String(name), String(value)] as const,
    );
    const ours = Object.values(ENV) as string[];
    const env = Object.fromEntries(names.filter(([name]) => ours.includes(name)));
    expect(env).toEqual({ [ENV.backend]: "tensorflow-gpu", [ENV.requireGpu]: "true" });
    expect(Object.fromEntries(names)).toMatchObject({ TF_FORCE_GPU_ALLOW_GROWTH: "true" });
  });

  it("checks at build time that tfjs-node-gpu's libtensorflow and binding were installed", () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(
      /test -f node_modules\/@tensorflow\/tfjs-node-gpu\/deps\/lib\/libtensorflow\.so\.2\.9\.1/,
    );
    expect(dockerfile).toMatch(/tfjs-node-gpu\/lib\/napi-v\*\/tfjs_binding\.node/);
  });

  it("runs the worker's main through tsx as a non-root user", () => {
    expect(dockerfile).toMatch(/^USER worker$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "functions\/worker\/main\.ts"\]$/m);
  });

  it("sends the build everything the worker imports: .dockerignore lets through all its source files", async () => {
    const result = await build({
      entryPoints: [new URL("../../functions/worker/main.ts", import.meta.url).pathname],
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "silent",
    });
    const sources = Object.keys(result.metafile.inputs);
    const allowed = read(".dockerignore")
      .split("\n")
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1));
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.filter((source) => !allowed.some((prefix) => source.startsWith(prefix)))).toEqual([]);
    expect(allowed).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "tsconfig.json"]));
  });
});
