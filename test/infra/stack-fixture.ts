import { App, type CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { CnnLensStack } from "../../infra/cnn-lens-stack.js";
import { deploymentConfigFrom } from "../../infra/deployment-config.js";

/**
 * A fresh cloud stack for one test case, built as infra/app.ts builds it: the config is read from the context
 * (`cnn-lens:<field>` keys, as in cdk.json) and checked; Lambda bundling is skipped for speed.
 */
export function buildStack(context: Readonly<Record<string, unknown>> = {}) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [], ...context } });
  const config = deploymentConfigFrom(app.node.getAllContext() as Record<string, unknown>);
  const stack = new CnnLensStack(app, "CnnLens", { config });
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return { app, stack, template, logicalId };
}

/** The cdk-nag AwsSolutions findings that are not acknowledged, as `rule: construct paths`. */
export function nagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations.map(
    (violation) =>
      `${violation.ruleName}: ${violation.violatingResources.map((resource) => resource.constructPath).join(", ")}`,
  );
}

export interface Statement {
  readonly actions: readonly string[];
  /** Resources as text: `<LogicalId.Attribute>` for GetAtt, `<LogicalId>` for Ref, joins concatenated. */
  readonly resources: readonly string[];
}

/** The Allow statements of every policy attached to the role with this logical id. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  return policies(template)
    .filter((policy) => (policy.Roles ?? []).some((role) => render(role) === `<${roleLogicalId}>`))
    .flatMap((policy) => policy.PolicyDocument.Statement.map(statement));
}

/** Every Allow statement of every policy in the template. */
export function allStatements(template: Template): Statement[] {
  return policies(template).flatMap((policy) => policy.PolicyDocument.Statement.map(statement));
}

/** The resources an action is allowed on over a set of statements, sorted; none if it is not allowed. */
export function allowedResources(statements: readonly Statement[], action: string): string[] {
  const resources = statements.filter((s) => s.actions.includes(action)).flatMap((s) => s.resources);
  return [...new Set(resources)].sort();
}

/** Every action a set of statements allows, sorted. */
export function allowedActions(statements: readonly Statement[]): string[] {
  return [...new Set(statements.flatMap((s) => s.actions))].sort();
}

/** The one resource of a type in the template. */
export function onlyResource<T>(template: Template, type: string): { Properties: T } {
  const resources = Object.values(template.findResources(type));
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0] as { Properties: T };
}

function policies(template: Template) {
  return Object.values(template.findResources("AWS::IAM::Policy")).map(
    (policy) =>
      (policy as { Properties: { Roles?: unknown[]; PolicyDocument: { Statement: RawStatement[] } } })
        .Properties,
  );
}

interface RawStatement {
  readonly Action: unknown;
  readonly Resource: unknown;
}

function statement(raw: RawStatement): Statement {
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
  return { actions: list(raw.Action).map(String), resources: list(raw.Resource).map(render) };
}

/** CloudFormation intrinsics as text, e.g. {"Fn::GetAtt": ["Bucket", "Arn"]} → "<Bucket.Arn>". */
export function render(value: unknown): string {
  if (typeof value === "string") return value;
  const object = value as Record<string, unknown>;
  if ("Ref" in object) return `<${String(object.Ref)}>`;
  if ("Fn::GetAtt" in object) return `<${(object["Fn::GetAtt"] as string[]).join(".")}>`;
  if ("Fn::Join" in object) {
    const [separator, parts] = object["Fn::Join"] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  return JSON.stringify(value);
}

/** A template value with every intrinsic in it rendered as {@link render} does, e.g. an event pattern. */
export function renderDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renderDeep);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (["Ref", "Fn::GetAtt", "Fn::Join"].some((intrinsic) => intrinsic in object)) return render(value);
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, renderDeep(item)]));
}
