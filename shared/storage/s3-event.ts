/** One object-created notification, as S3 sends it to SQS. */
export interface S3ObjectEvent {
  readonly eventName: string;
  readonly bucket: string;
  /** The key, URL-decoded (`+` is a space). */
  readonly key: string;
  readonly etag?: string;
  readonly size?: number;
  /** Distinguishes repeated events of the same object version. */
  readonly sequencer?: string;
}

interface RawRecord {
  eventName?: string;
  s3?: {
    bucket?: { name?: string };
    object?: { key?: string; eTag?: string; size?: number; sequencer?: string };
  };
}

/**
 * The object events in an SQS message body. S3's `s3:TestEvent` and bodies that are not S3 notifications yield
 * none; a malformed body throws with the reason.
 */
export function parseS3Events(body: string): S3ObjectEvent[] {
  let parsed: { Event?: string; Records?: RawRecord[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new SyntaxError(`the message body is not JSON: ${body.slice(0, 80)}`);
  }
  if (parsed.Event === "s3:TestEvent" || !Array.isArray(parsed.Records)) return [];
  return parsed.Records.flatMap((record) => {
    const bucket = record.s3?.bucket?.name;
    const key = record.s3?.object?.key;
    if (!record.eventName?.startsWith("ObjectCreated") || !bucket || key === undefined) return [];
    const { eTag, size, sequencer } = record.s3?.object ?? {};
    return [{ eventName: record.eventName, bucket, key: decodeS3Key(key), etag: eTag, size, sequencer }];
  });
}

/** S3 notification keys are URL-encoded with `+` for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}
