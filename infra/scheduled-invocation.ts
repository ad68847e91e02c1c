import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";

/** What to invoke, how often, and with which event. */
export interface ScheduledInvocationProps {
  readonly description: string;
  readonly function: lambda.IFunction;
  readonly event: Record<string, unknown>;
  /** @default one minute */
  readonly interval?: Duration;
}

/**
 * An EventBridge rule that invokes a function at a fixed rate with a fixed event. Runs are not retried: a missed
 * run is made up by the next one.
 */
export function scheduledInvocation(
  scope: Construct,
  id: string,
  props: ScheduledInvocationProps,
): events.Rule {
  return new events.Rule(scope, id, {
    description: props.description,
    schedule: events.Schedule.rate(props.interval ?? Duration.minutes(1)),
    targets: [
      new targets.LambdaFunction(props.function, {
        event: events.RuleTargetInput.fromObject(props.event),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    ],
  });
}
