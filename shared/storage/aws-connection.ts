/** Where the AWS APIs are: the real ones (no endpoint) or LocalStack's. */
export interface AwsConnection {
  readonly region: string;
  /** An endpoint such as LocalStack's `http://127.0.0.1:4566`; S3 then uses path-style addressing. */
  readonly endpoint?: string;
}

/** The region used when `AWS_REGION` names none. */
export const DEFAULT_REGION = "us-east-1";

/** LocalStack's endpoint, as the local pipeline and the tests use it. */
export const LOCALSTACK: AwsConnection = { region: DEFAULT_REGION, endpoint: "http://127.0.0.1:4566" };

/** The region named, or {@link DEFAULT_REGION}. */
export function regionOr(region: string | undefined): string {
  return region ?? DEFAULT_REGION;
}

// Node 20 is this project's runtime until tfjs-node-gpu supports newer ones; the SDK's notice about it is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** The settings every SDK client takes for a connection: LocalStack's endpoint takes its test credentials. */
export function clientSettings(connection: AwsConnection) {
  if (!connection.endpoint) return { region: connection.region };
  return {
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
}
