import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { TransientError } from "../errors.js";

/** An object's bytes with the ETag that a conditional write can name. */
export interface StoredObject {
  readonly body: Uint8Array;
  readonly etag: string;
  readonly metadata: Record<string, string>;
}

interface AwsError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const status = (error: unknown) => (error as AwsError).$metadata?.httpStatusCode;

/** A 404: no such key. */
export function isNotFound(error: unknown): boolean {
  const name = (error as AwsError).name;
  return status(error) === 404 || name === "NoSuchKey" || name === "NotFound";
}

/** A conditional write lost a race: 412 Precondition Failed, or 409 for a concurrent conditional request. */
export function isConditionLost(error: unknown): boolean {
  const name = (error as AwsError).name;
  return (
    status(error) === 412 ||
    status(error) === 409 ||
    name === "PreconditionFailed" ||
    name === "ConditionalRequestConflict"
  );
}

/**
 * Reads an object, or undefined if there is none. With `ifMatch`, only the version with that ETag: if the object
 * has changed since, the S3 error (412) is rethrown (test it with {@link isConditionLost}). Other failures are
 * transient.
 */
export async function getObject(
  s3: S3Client,
  bucket: string,
  key: string,
  condition?: { readonly ifMatch: string },
): Promise<StoredObject | undefined> {
  try {
    const response = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(condition ? { IfMatch: condition.ifMatch } : {}),
      }),
    );
    const body = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    return { body, etag: response.ETag ?? "", metadata: response.Metadata ?? {} };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (condition && isConditionLost(error)) throw error;
    throw transient(error, `GET s3://${bucket}/${key}`);
  }
}

/** What a HEAD tells of an object: its ETag, metadata and size. */
export interface ObjectHead extends Omit<StoredObject, "body"> {
  /** ContentLength in bytes (S3 always gives it). */
  readonly size?: number;
}

/** An object's ETag, metadata and size, or undefined if there is none. */
export async function headObject(s3: S3Client, bucket: string, key: string): Promise<ObjectHead | undefined> {
  try {
    const response = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return {
      etag: response.ETag ?? "",
      metadata: response.Metadata ?? {},
      ...(response.ContentLength !== undefined ? { size: response.ContentLength } : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw transient(error, `HEAD s3://${bucket}/${key}`);
  }
}

/** Reads and parses a JSON object, or undefined if there is none. */
export async function getJson(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ value: unknown; etag: string } | undefined> {
  const object = await getObject(s3, bucket, key);
  if (!object) return undefined;
  return { value: JSON.parse(new TextDecoder().decode(object.body)) as unknown, etag: object.etag };
}

/** The condition of a write: none, only if absent (`If-None-Match: *`), or only if unchanged (`If-Match`). */
export type WriteCondition = { readonly ifAbsent: true } | { readonly ifMatch: string } | undefined;

/**
 * Writes an object. A conditional write that loses its race rethrows the S3 error (test it with
 * {@link isConditionLost}); other failures become {@link TransientError}.
 */
export async function putObject(
  s3: S3Client,
  input: Omit<PutObjectCommandInput, "IfMatch" | "IfNoneMatch">,
  condition?: WriteCondition,
): Promise<string> {
  try {
    const response = await s3.send(
      new PutObjectCommand({
        ...input,
        ...(condition && "ifAbsent" in condition ? { IfNoneMatch: "*" } : {}),
        ...(condition && "ifMatch" in condition ? { IfMatch: condition.ifMatch } : {}),
      }),
    );
    return response.ETag ?? "";
  } catch (error) {
    if (condition && isConditionLost(error)) throw error;
    throw transient(error, `PUT s3://${input.Bucket}/${input.Key}`);
  }
}

function transient(error: unknown, what: string): TransientError {
  return new TransientError(`${what} failed: ${(error as Error).message || (error as AwsError).name}`, {
    cause: error,
  });
}
