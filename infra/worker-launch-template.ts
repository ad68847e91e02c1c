import { Duration } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import type { Construct } from "constructs";

/** The root volume of a GPU instance: the worker image is several GB (CUDA, cuDNN, libtensorflow). */
export const ROOT_VOLUME_GIB = 60;

/**
 * How long ECS waits after SIGTERM before it kills a worker (Batch's timeout, a cancel or terminate): time for the
 * image in hand (about 2 s on a T4) and for releasing the messages it holds. A Spot instance is reclaimed two
 * minutes after its notice, so a longer wait could not be used there.
 */
export const WORKER_STOP_TIMEOUT = Duration.seconds(110);

/**
 * The ECS agent's settings on every GPU instance (/etc/ecs/ecs.config): Spot draining, so that an instance with an
 * interruption notice takes no new worker, and the stop timeout.
 */
export const ECS_AGENT_SETTINGS: Readonly<Record<string, string>> = {
  ECS_ENABLE_SPOT_INSTANCE_DRAINING: "true",
  ECS_CONTAINER_STOP_TIMEOUT: `${WORKER_STOP_TIMEOUT.toSeconds()}s`,
};

/**
 * The GPU instances' launch template: IMDSv2 only with a hop limit of 1, so containers (one hop further, in bridge
 * networking) cannot reach the instance role's credentials, only their own job role's; an encrypted gp3 root
 * volume; and user data in the MIME multipart form Batch requires, which appends {@link ECS_AGENT_SETTINGS} to the
 * agent's config before the agent starts.
 */
export function workerLaunchTemplate(scope: Construct, id: string): ec2.LaunchTemplate {
  const script = ec2.UserData.forLinux();
  script.addCommands(
    ...Object.entries(ECS_AGENT_SETTINGS).map(
      ([name, value]) => `echo ${name}=${value} >> /etc/ecs/ecs.config`,
    ),
  );
  const userData = new ec2.MultipartUserData();
  userData.addUserDataPart(script, ec2.MultipartBody.SHELL_SCRIPT, true);
  return new ec2.LaunchTemplate(scope, id, {
    httpEndpoint: true,
    httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
    httpPutResponseHopLimit: 1,
    userData,
    blockDevices: [
      {
        deviceName: "/dev/xvda",
        volume: ec2.BlockDeviceVolume.ebs(ROOT_VOLUME_GIB, {
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          encrypted: true,
        }),
      },
    ],
  });
}
