import { RemovalPolicy } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { DEFAULT_DEPLOYMENT_CONFIG, type NatChoice } from "./deployment-config.js";

export interface WorkerNetworkProps {
  /**
   * `none`: GPU instances go in public subnets with public IPs and a security group with no inbound rules, and
   * there is no NAT gateway (about $33 a month plus $0.045/GB, in us-east-1). `single`: private subnets behind
   * one NAT gateway. Either way S3 traffic takes a free gateway endpoint.
   * @default "none"
   */
  readonly nat?: NatChoice;
}

/** The VPC the GPU workers run in, designed so that whether to pay for NAT is a choice. */
export class WorkerNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  /** Where the compute environment puts its instances. */
  readonly workerSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: WorkerNetworkProps = {}) {
    super(scope, id);
    const nat = props.nat ?? DEFAULT_DEPLOYMENT_CONFIG.nat;
    const publicSubnets: ec2.SubnetConfiguration = {
      name: "Public",
      subnetType: ec2.SubnetType.PUBLIC,
      cidrMask: 20,
      mapPublicIpOnLaunch: nat === "none",
    };
    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr("10.40.0.0/16"),
      natGateways: nat === "single" ? 1 : 0,
      subnetConfiguration:
        nat === "single"
          ? [publicSubnets, { name: "Workers", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 }]
          : [publicSubnets],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.workerSubnets = {
      subnetType: nat === "single" ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC,
    };
    // Rejected connections only: enough to see a probe or a misrouted call, at a fraction of the cost of ALL.
    const flowLogs = new logs.LogGroup(this, "FlowLogs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog("RejectedTraffic", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
  }
}
