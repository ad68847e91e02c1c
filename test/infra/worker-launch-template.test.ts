import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ECS_AGENT_SETTINGS,
  ROOT_VOLUME_GIB,
  WORKER_STOP_TIMEOUT,
} from "../../infra/worker-launch-template.js";
import { buildStack, onlyResource, render } from "./stack-fixture.js";

interface LaunchTemplateData {
  MetadataOptions: unknown;
  BlockDeviceMappings: unknown;
  UserData: unknown;
}

const launchTemplateData = () =>
  onlyResource<{ LaunchTemplateData: LaunchTemplateData }>(buildStack().template, "AWS::EC2::LaunchTemplate")
    .Properties.LaunchTemplateData;

/** The user data as EC2 receives it: `Fn::Base64` taken off, inner `Fn::Base64` parts encoded as CloudFormation does. */
function userDataText(userData: unknown): string {
  const resolve = (value: unknown): string => {
    if (typeof value === "string") return value;
    const object = value as Record<string, unknown>;
    if ("Fn::Base64" in object) return Buffer.from(resolve(object["Fn::Base64"])).toString("base64");
    if ("Fn::Join" in object) {
      const [separator, parts] = object["Fn::Join"] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    throw new Error(`unexpected intrinsic in user data: ${render(value)}`);
  };
  const outer = userData as { "Fn::Base64": unknown };
  return resolve(outer["Fn::Base64"]);
}

/** The parts of a MIME multipart document, each with its headers and its body decoded. */
function mimeParts(text: string): { contentType: string; body: string }[] {
  const [head = "", ...rest] = text.split("\n\n");
  const boundary = /^Content-Type: multipart\/mixed; boundary="([^"]+)"$/m.exec(head)?.[1];
  expect(boundary, "a multipart/mixed header with a boundary").toBeDefined();
  expect(head).toMatch(/^MIME-Version: 1\.0$/m);
  const body = rest.join("\n\n");
  const sections = body.split(`--${boundary}`);
  expect(sections.at(-1)?.trim(), "the closing boundary").toBe("--");
  return sections.slice(1, -1).map((section) => {
    const [headers = "", ...content] = section.trim().split("\n\n");
    const contentType = /^Content-Type: ([^;\n]+)/m.exec(headers)?.[1] ?? "";
    const raw = content.join("\n\n");
    const base64 = /^Content-Transfer-Encoding: base64$/m.test(headers);
    return { contentType, body: base64 ? Buffer.from(raw.trim(), "base64").toString("utf8") : raw };
  });
}

describe("the GPU instances' launch template", () => {
  it("requires IMDSv2 with a hop limit of 1, so containers cannot reach the instance role", () => {
    expect(launchTemplateData().MetadataOptions).toEqual({
      HttpEndpoint: "enabled",
      HttpPutResponseHopLimit: 1,
      HttpTokens: "required",
    });
  });

  it("has an encrypted gp3 root volume big enough for the CUDA image", () => {
    expect(launchTemplateData().BlockDeviceMappings).toEqual([
      { DeviceName: "/dev/xvda", Ebs: { Encrypted: true, VolumeSize: ROOT_VOLUME_GIB, VolumeType: "gp3" } },
    ]);
    expect(ROOT_VOLUME_GIB).toBeGreaterThanOrEqual(30);
  });

  it("has user data in the MIME multipart form Batch requires, with one shell script", () => {
    const parts = mimeParts(userDataText(launchTemplateData().UserData));
    expect(parts.map((part) => part.contentType)).toEqual(["text/x-shellscript"]);
    expect(parts[0]?.body.startsWith("#!/bin/bash\n")).toBe(true);
  });

  it("whose script, run, appends Spot draining and the stop timeout to the ECS agent's config", () => {
    const [script] = mimeParts(userDataText(launchTemplateData().UserData));
    const folder = mkdtempSync(join(tmpdir(), "ecs-config-"));
    try {
      const config = join(folder, "ecs.config");
      execFileSync("bash", ["-c", (script?.body ?? "").replaceAll("/etc/ecs/ecs.config", config)]);
      const written = Object.fromEntries(
        readFileSync(config, "utf8")
          .trim()
          .split("\n")
          .map((line) => line.split("=") as [string, string]),
      );
      expect(written).toEqual({
        ECS_ENABLE_SPOT_INSTANCE_DRAINING: "true",
        ECS_CONTAINER_STOP_TIMEOUT: "110s",
      });
      expect(written).toEqual(ECS_AGENT_SETTINGS);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("gives a stopped worker longer than an image takes, and less than Spot's two-minute notice", () => {
    const seconds = WORKER_STOP_TIMEOUT.toSeconds();
    // An image takes about 2 s on a T4 (README, Cost): room for 30 of them, and for releasing the held messages.
    expect(seconds).toBeGreaterThanOrEqual(30 * 2);
    expect(seconds).toBeLessThan(120);
  });

  it("is used by the compute environment at its latest version, so changing it updates the environment", () => {
    const { template, stack, logicalId } = buildStack();
    const environment = onlyResource<{
      ComputeResources: { LaunchTemplate: { LaunchTemplateId: unknown; Version: unknown } };
    }>(template, "AWS::Batch::ComputeEnvironment");
    const id = logicalId(stack.workers.node.findChild("LaunchTemplate"));
    expect(render(environment.Properties.ComputeResources.LaunchTemplate.LaunchTemplateId)).toBe(`<${id}>`);
    expect(render(environment.Properties.ComputeResources.LaunchTemplate.Version)).toBe(
      `<${id}.LatestVersionNumber>`,
    );
  });
});
