import { Duration } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as cxapi from "aws-cdk-lib/cx-api";
import { Construct } from "constructs";
import { SECURE_BUCKET_PROPS } from "./secure-defaults.js";

export interface AccessLogsBucketProps {
  /** How long access logs are kept. @default Duration.days(90) */
  readonly retention?: Duration;
}

/** The bucket that receives the main bucket's server access logs; like every cnn-lens bucket it is kept. */
export class AccessLogsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps = {}) {
    super(scope, id);
    // S3 delivers the logs under a bucket policy: the log-delivery ACL that CDK sets without this flag cannot
    // coexist with BUCKET_OWNER_ENFORCED.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.bucket = new s3.Bucket(this, "Bucket", {
      ...SECURE_BUCKET_PROPS,
      lifecycleRules: [
        { expiration: props.retention ?? Duration.days(90), noncurrentVersionExpiration: Duration.days(1) },
      ],
    });
  }
}
