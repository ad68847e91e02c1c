import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { buildStack, onlyResource, render } from "./stack-fixture.js";

interface PolicyStatement {
  Effect: string;
  Principal: unknown;
  Action: unknown;
  Condition?: unknown;
}

describe("the failure topic", () => {
  it("is encrypted with its own rotated key and takes only TLS", () => {
    const { template, stack, logicalId } = buildStack();
    const topic = onlyResource<{ KmsMasterKeyId: unknown }>(template, "AWS::SNS::Topic").Properties;
    expect(render(topic.KmsMasterKeyId)).toBe(`<${logicalId(stack.alarmTopic.key)}.Arn>`);
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "sns:Publish",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });

  it("lets CloudWatch alarms and EventBridge publish, through the topic's policy and the key's", () => {
    const { template } = buildStack();
    const publishers = (statements: PolicyStatement[], action: string) =>
      statements
        .filter((s) => s.Effect === "Allow" && [s.Action].flat().includes(action))
        .map((s) => (s.Principal as { Service?: string }).Service)
        .filter(Boolean)
        .sort();
    const topicPolicy = onlyResource<{ PolicyDocument: { Statement: PolicyStatement[] } }>(
      template,
      "AWS::SNS::TopicPolicy",
    ).Properties.PolicyDocument.Statement;
    const keyPolicy = onlyResource<{ KeyPolicy: { Statement: PolicyStatement[] } }>(template, "AWS::KMS::Key")
      .Properties.KeyPolicy.Statement;
    const services = ["cloudwatch.amazonaws.com", "events.amazonaws.com"];
    expect(publishers(topicPolicy, "sns:Publish")).toEqual(services);
    expect(publishers(keyPolicy, "kms:GenerateDataKey*")).toEqual(services);
    expect(publishers(keyPolicy, "kms:Decrypt")).toEqual(services);
  });

  it("e-mails no one by default, and the alarmEmail address when it is set", () => {
    buildStack().template.resourceCountIs("AWS::SNS::Subscription", 0);
    const { template, stack, logicalId } = buildStack({ "cnn-lens:alarmEmail": "ops@example.com" });
    const subscription = onlyResource<{ Protocol: string; Endpoint: string; TopicArn: unknown }>(
      template,
      "AWS::SNS::Subscription",
    ).Properties;
    expect(subscription).toMatchObject({ Protocol: "email", Endpoint: "ops@example.com" });
    expect(render(subscription.TopicArn)).toBe(`<${logicalId(stack.alarmTopic.topic)}>`);
    expect(template.toJSON().Outputs.FailureTopic).toEqual({
      Value: { Ref: logicalId(stack.alarmTopic.topic) },
    });
  });
});
