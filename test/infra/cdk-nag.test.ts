import { App, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { describe, expect, it } from "vitest";
import { buildStack, nagFindings } from "./stack-fixture.js";

describe("cdk-nag AwsSolutions", () => {
  it("finds nothing unacknowledged in the default stack", () => {
    const { app } = buildStack();
    expect(nagFindings(app)).toEqual([]);
  });

  it("finds nothing unacknowledged with a NAT gateway, on-demand capacity and several instance types", () => {
    const { app } = buildStack({
      "cnn-lens:nat": "single",
      "cnn-lens:capacity": "on-demand",
      "cnn-lens:gpuInstanceTypes": "g4dn.xlarge, g5.xlarge",
    });
    expect(nagFindings(app)).toEqual([]);
  });

  it("finds nothing unacknowledged with an e-mail subscription and retention for uploads and results", () => {
    const { app } = buildStack({
      "cnn-lens:alarmEmail": "ops@example.com",
      "cnn-lens:uploadsRetentionDays": 30,
      "cnn-lens:resultsRetentionDays": 365,
    });
    expect(nagFindings(app)).toEqual([]);
  });

  it("reports what is not acknowledged (the check is live)", () => {
    const app = new App();
    const role = new iam.Role(new Stack(app, "Probe"), "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ["s3:Get*"], resources: ["*"] }));
    app.synth();
    expect(nagFindings(app)).toEqual([
      "AwsSolutions-IAM5[Action::s3:Get*]: Probe/Role/DefaultPolicy/Resource",
      "AwsSolutions-IAM5[Resource::*]: Probe/Role/DefaultPolicy/Resource",
    ]);
  });
});
