import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CONTEXT_PREFIX,
  DEFAULT_DEPLOYMENT_CONFIG,
  DeploymentConfigError,
  deploymentConfigFrom,
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

  it("matches the settings written out in cdk.json, so the file shows what a deployment gets", () => {
    const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as {
      context: Record<string, unknown>;
    };
    const written = Object.fromEntries(
      Object.entries(cdkJson.context)
        .filter(([key]) => key.startsWith(CONTEXT_PREFIX))
        .map(([key, value]) => [key.slice(CONTEXT_PREFIX.length), value]),
    );
    expect(written).toEqual(DEFAULT_DEPLOYMENT_CONFIG);
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
    });
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
