import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  /** An address to e-mail every notification to; AWS asks it to confirm first. @default no subscription */
  readonly email?: string;
}

/**
 * The topic every failure is told on: the alarms, the failed worker jobs, and the scaler holding back. TLS only,
 * encrypted with a key of its own (rotated yearly) whose policy lets CloudWatch alarms publish; EventBridge rules
 * that target the topic are let in by their target. Subscribe to it by e-mail (the `alarmEmail` setting), or with
 * anything SNS delivers to.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, "Key", {
      description: "cnn-lens: encrypts the failure notification topic",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topic = new sns.Topic(this, "Topic", {
      displayName: "cnn-lens failures",
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.grantPublish(new iam.ServicePrincipal("cloudwatch.amazonaws.com"));
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }
}
