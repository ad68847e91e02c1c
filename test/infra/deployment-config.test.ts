import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_UPLOAD_BYTES } from "../../shared/config/upload-limits.js";
import {
  CONTEXT_PREFIX,
  DEFAULT_DEPLOYMENT_CONFIG,
  DeploymentConfigError,
  deploymentConfigFrom,
  GPU_ARCHITECTURES,
  GPU_FAMILIES,
  TENSORFLOW_CUDA_TARGETS,
} from "../../infra/deployment-config.js";

const problemsOf = (context: Record<string, unknown>): readonly string[] => {
  try {
    deploymentConfigFrom(context);
  } catch (error) {
    if (error instanceof DeploymentConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a DeploymentConfigError");
};

describe("the deployment config", () => {
  it("is the defaults when the context sets nothing, ignoring other context keys", () => {
    expect(deploymentConfigFrom({ "aws:cdk:bundling-stacks": [], "@aws-cdk/core:foo": true })).toEqual(
      DEFAULT_DEPLOYMENT_CONFIG,
    );
    expect(DEFAULT_DEPLOYMENT_CONFIG).toMatchObject({
      gpuInstanceTypes: ["g4dn.xlarge"],
      capacity: "spot",
      nat: "none",
    });
  });

  it("is written once: cdk.json sets no cnn-lens setting, and the README's table shows these defaults", () => {
    const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
      context?: Record<string, unknown>;
    };
    expect(Object.keys(cdkJson.context ?? {}).filter((key) => key.startsWith(CONTEXT_PREFIX))).toEqual([]);

    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const rows = [...readme.matchAll(/^\| `cnn-lens:(\w+)` +\| (.+?) +\|/gm)];
    const documented = Object.fromEntries(
      rows.map(([, field, value]) => {
        const text = (value ?? "").replace(/^`|`$/g, "");
        return [field, text === "null" || /^[\d[]/.test(text) ? JSON.parse(text) : text];
      }),
    );
    expect(documented).toEqual(DEFAULT_DEPLOYMENT_CONFIG);
  });

  it("takes every field from the context, including the strings that -c key=value gives", () => {
    expect(
      deploymentConfigFrom({
        "cnn-lens:gpuInstanceTypes": "g5.xlarge,g6.2xlarge",
        "cnn-lens:capacity": "on-demand",
        "cnn-lens:maxVcpus": "32",
        "cnn-lens:maxWorkers": 8,
        "cnn-lens:workerVcpus": "4",
        "cnn-lens:workerMemoryMiB": 15_000,
        "cnn-lens:imagesPerWorker": "20",
        "cnn-lens:workerIdleSeconds": 0,
        "cnn-lens:workerTimeoutMinutes": 60,
        "cnn-lens:defaultModel": "apple-leaf_v2.1",
        "cnn-lens:nat": "single",
        "cnn-lens:maxUploadMiB": "64",
        "cnn-lens:uploadsRetentionDays": 30,
        "cnn-lens:resultsRetentionDays": "365",
        "cnn-lens:alarmEmail": " ops@example.com ",
        "cnn-lens:workQueueAgeAlarmMinutes": "15",
        "cnn-lens:capacityWaitMinutes": 45,
      }),
    ).toEqual({
      gpuInstanceTypes: ["g5.xlarge", "g6.2xlarge"],
      capacity: "on-demand",
      maxVcpus: 32,
      maxWorkers: 8,
      workerVcpus: 4,
      workerMemoryMiB: 15_000,
      imagesPerWorker: 20,
      workerIdleSeconds: 0,
      workerTimeoutMinutes: 60,
      defaultModel: "apple-leaf_v2.1",
      nat: "single",
      maxUploadMiB: 64,
      uploadsRetentionDays: 30,
      resultsRetentionDays: 365,
      alarmEmail: "ops@example.com",
      workQueueAgeAlarmMinutes: 15,
      capacityWaitMinutes: 45,
    });
  });

  it("keeps data and e-mails no one unless told: the optional settings are null by default", () => {
    expect(DEFAULT_DEPLOYMENT_CONFIG).toMatchObject({
      uploadsRetentionDays: null,
      resultsRetentionDays: null,
      alarmEmail: null,
    });
  });

  it("limits uploads as the worker does when it is told nothing", () => {
    expect(DEFAULT_DEPLOYMENT_CONFIG.maxUploadMiB * 1024 ** 2).toBe(DEFAULT_MAX_UPLOAD_BYTES);
  });

  it("takes null, or the empty string that `-c key=` gives, as unset for the optional settings", () => {
    for (const unset of [null, ""]) {
      expect(
        deploymentConfigFrom({
          "cnn-lens:uploadsRetentionDays": unset,
          "cnn-lens:resultsRetentionDays": unset,
          "cnn-lens:alarmEmail": unset,
        }),
      ).toEqual(DEFAULT_DEPLOYMENT_CONFIG);
    }
  });

  it("refuses retentions, e-mail addresses, waits and upload sizes out of range, naming each", () => {
    expect(
      problemsOf({
        "cnn-lens:uploadsRetentionDays": 0,
        "cnn-lens:resultsRetentionDays": "forever",
        "cnn-lens:alarmEmail": "ops",
        "cnn-lens:capacityWaitMinutes": 5,
        "cnn-lens:workQueueAgeAlarmMinutes": 0,
        "cnn-lens:maxUploadMiB": 6_000,
      }),
    ).toEqual([
      "cnn-lens:maxUploadMiB=6000 must be a whole number from 1 to 5120",
      "cnn-lens:uploadsRetentionDays=0 must be a whole number from 1 to 36500, or null to keep uploads",
      'cnn-lens:resultsRetentionDays="forever" must be a whole number from 1 to 36500, or null to keep results',
      'cnn-lens:alarmEmail="ops" is not an e-mail address; use one such as "ops@example.com", or null',
      "cnn-lens:workQueueAgeAlarmMinutes=0 must be a whole number from 1 to 5760",
      // Batch's job state time limits are 600 to 86,400 seconds.
      "cnn-lens:capacityWaitMinutes=5 must be a whole number from 10 to 1440",
    ]);
  });

  it("lists every bad field at once, each with the key, the bad value and what to use", () => {
    const problems = problemsOf({
      "cnn-lens:gpuInstanceTypes": ["g4dn.xlarge", "p3.2xlarge", "m5.large"],
      "cnn-lens:capacity": "cheap",
      "cnn-lens:maxWorkers": 0,
      "cnn-lens:imagesPerWorker": "ten",
      "cnn-lens:workerIdleSeconds": 1.5,
      "cnn-lens:defaultModel": "../etc",
      "cnn-lens:nat": "two",
      "cnn-lens:maxWorker": 3,
    });
    expect(problems).toHaveLength(9);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cnn-lens:maxWorker is not a setting; use one of .*cnn-lens:maxWorkers/),
        expect.stringMatching(/^cnn-lens:gpuInstanceTypes has "p3\.2xlarge".*families g4dn, g5/),
        expect.stringMatching(/^cnn-lens:gpuInstanceTypes has "m5\.large"/),
        'cnn-lens:capacity="cheap" is not allowed; use one of spot, on-demand',
        "cnn-lens:maxWorkers=0 must be a whole number from 1 to 1000",
        'cnn-lens:imagesPerWorker="ten" must be a whole number from 1 to 1000000',
        "cnn-lens:workerIdleSeconds=1.5 must be a whole number from 0 to 86400",
        expect.stringMatching(
          /^cnn-lens:defaultModel="\.\.\/etc" is not a bundle name .*use the folder name/,
        ),
        'cnn-lens:nat="two" is not allowed; use one of none, single',
      ]),
    );
  });

  it("says how to fix it where to set it, in one message", () => {
    expect(() => deploymentConfigFrom({ "cnn-lens:capacity": 1 })).toThrow(
      /1 problem \(set the keys in cdk.json "context" or with -c key=value\):\n {2}- cnn-lens:capacity=1/,
    );
  });

  it("refuses an empty or non-list instance type setting", () => {
    expect(problemsOf({ "cnn-lens:gpuInstanceTypes": [] })[0]).toMatch(/must be a non-empty list/);
    expect(problemsOf({ "cnn-lens:gpuInstanceTypes": [4] })[0]).toMatch(/must be a non-empty list/);
  });

  it("refuses more workers than the vCPU ceiling holds, naming both fixes", () => {
    expect(problemsOf({ "cnn-lens:maxVcpus": 8, "cnn-lens:maxWorkers": 4 })).toEqual([
      "cnn-lens:maxVcpus=8 holds only 2 workers of 4 vCPUs but cnn-lens:maxWorkers=4; " +
        "raise cnn-lens:maxVcpus to 16 or lower cnn-lens:maxWorkers to 2",
    ]);
  });
});

/**
 * Whether TensorFlow's CUDA targets hold code a GPU of this compute capability runs, by CUDA's rules: `sm_XY`
 * machine code runs on major version X with a minor version of Y or more; `compute_XY` PTX is compiled for any
 * GPU of X.Y or newer.
 */
function tensorflowRunsOn(computeCapability: string): boolean {
  const [major = NaN, minor = NaN] = computeCapability.split(".").map(Number);
  const gpu = major * 10 + minor;
  return TENSORFLOW_CUDA_TARGETS.some((target) => {
    const match = /^(sm|compute)_(\d+)(\d)$/.exec(target);
    if (!match) throw new Error(`${target} is not a CUDA target`);
    const version = Number(match[2]) * 10 + Number(match[3]);
    return match[1] === "sm" ? Math.floor(version / 10) === major && version <= gpu : version <= gpu;
  });
}

describe("the GPU instance families", () => {
  it("each have a GPU that TensorFlow 2.21's CUDA build has code for and the AMI's open kernel module drives", () => {
    const families = Object.entries(GPU_ARCHITECTURES).map(([family, { computeCapability }]) => ({
      family,
      tensorflow: tensorflowRunsOn(computeCapability),
      turingOrNewer: Number(computeCapability) >= 7.5,
    }));
    expect(families).toEqual(
      GPU_FAMILIES.map((family) => ({ family, tensorflow: true, turingOrNewer: true })),
    );
    expect(GPU_FAMILIES).toEqual(expect.arrayContaining(["g4dn", "g5", "g6", "g6e", "p4d", "p5"]));
  });

  it("are told apart from GPUs TensorFlow has no code for by CUDA's rules", () => {
    expect(tensorflowRunsOn("7.0")).toBe(true); // p3's V100: left out for the AMI, not for TensorFlow
    expect(tensorflowRunsOn("12.0")).toBe(true); // Blackwell: the compute_90 PTX
    expect(tensorflowRunsOn("5.2")).toBe(false); // g3's M60
    expect(tensorflowRunsOn("3.7")).toBe(false); // p2's K80
  });

  it("are checked against the targets of the tensorflow that native/requirements-gpu.lock pins", () => {
    const lock = readFileSync(new URL("../../native/requirements-gpu.lock", import.meta.url), "utf8");
    // Another tensorflow may have other targets (its tensorflow/python/platform/build_info.py lists them).
    expect(lock).toMatch(/^tensorflow==2\.21\.0 \\$/m);
  });

  it("refuse the families left out, naming what both sides support", () => {
    for (const type of ["p3.2xlarge", "g3.4xlarge", "g4ad.xlarge", "g5g.xlarge", "g7e.2xlarge"]) {
      expect(problemsOf({ "cnn-lens:gpuInstanceTypes": [type] })).toEqual([
        expect.stringMatching(
          /both ECS_AL2023_NVIDIA and TensorFlow 2\.21 support; use a type of the families g4dn/,
        ),
      ]);
    }
  });
});
