import { createHash, createHmac } from "node:crypto";

/** The credentials a presigned URL is signed with. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The longest a SigV4 presigned URL may stay valid: 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** Where an object is: an origin (`https://host[:port]`) and the path of the object under it. */
export interface ObjectLocation {
  readonly origin: string;
  /** Unencoded, starting with `/`. */
  readonly path: string;
}

/**
 * The location of `s3://bucket/key`: path-style under an endpoint such as LocalStack's, otherwise the regional
 * virtual-hosted endpoint.
 */
export function objectLocation(
  bucket: string,
  key: string,
  connection: { readonly region: string; readonly endpoint?: string },
): ObjectLocation {
  if (connection.endpoint)
    return { origin: connection.endpoint.replace(/\/+$/, ""), path: `/${bucket}/${key}` };
  return { origin: `https://${bucket}.s3.${connection.region}.amazonaws.com`, path: `/${key}` };
}

/**
 * A GET URL for an S3 object signed with AWS Signature Version 4 in the query string
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html), valid for `expiresSeconds`
 * from `now`. Pure: the same inputs give the same URL.
 */
export function presignGetUrl(options: {
  readonly location: ObjectLocation;
  readonly region: string;
  readonly credentials: SigningCredentials;
  readonly expiresSeconds: number;
  readonly now: Date;
}): string {
  const { location, region, credentials, expiresSeconds, now } = options;
  if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(
      `expiresSeconds ${expiresSeconds} must be a whole number from 1 to ${MAX_PRESIGN_SECONDS}`,
    );
  }
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const query = [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${credentials.accessKeyId}/${scope}`],
    ["X-Amz-Date", amzDate],
    ["X-Amz-Expires", String(expiresSeconds)],
    ...(credentials.sessionToken ? [["X-Amz-Security-Token", credentials.sessionToken]] : []),
    ["X-Amz-SignedHeaders", "host"],
  ]
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)
    .sort()
    .join("&");
  const path = location.path.split("/").map(uriEncode).join("/");
  const host = new URL(location.origin).host;
  const canonicalRequest = ["GET", path, query, `host:${host}`, "", "host", "UNSIGNED-PAYLOAD"].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  return `${location.origin}${path}?${query}&X-Amz-Signature=${signature}`;
}

/** RFC 3986 percent-encoding, as SigV4 requires: only A-Z a-z 0-9 - _ . ~ stay as they are. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function sha256(data: string): string {
  return createHash("sha256").update(data).digest("hex");
}
