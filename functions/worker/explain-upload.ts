import type { S3Client } from "@aws-sdk/client-s3";
import { analysisOptions } from "../../shared/analysis/analysis-options.js";
import { analyzeImage, type ImageSource } from "../../shared/analysis/analyze-image.js";
import { failedSummary } from "../../shared/analysis/failed-summary.js";
import { BadInputError, BadModelError } from "../../shared/errors.js";
import { parseSummary, type Summary } from "../../shared/schema/summary.js";
import type { S3ObjectEvent } from "../../shared/storage/s3-event.js";
import {
  getJson,
  getObject,
  headObject,
  isConditionLost,
  putObject,
} from "../../shared/storage/s3-objects.js";
import {
  IMAGE_KEY_PATTERN,
  MAX_S3_KEY_BYTES,
  PREFIXES,
  resultsPrefixFor,
  summaryKeyFor,
  quarantineKeyFor,
  unsafeUploadKeyError,
} from "../../shared/storage/s3-layout.js";
import type { ModelCache, ModelLease } from "./model-cache.js";
import { decodeUploadMetadata } from "../../shared/storage/upload-metadata.js";
import { checkUploadSize } from "./upload-size.js";
import { mapLimit } from "../../shared/map-limit.js";

/**
 * What became of one upload event. `superseded`: the upload was replaced between its HEAD and its download, and
 * the newer upload's own notification will have it explained.
 */
export type UploadOutcome = "explained" | "failed" | "unchanged" | "skipped" | "superseded";

export interface UploadContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly models: Pick<ModelCache, "acquire">;
  readonly defaultModel: string;
  readonly maxPixels: number;
  /** Uploads over this many bytes (by their HEAD) are recorded as failed without being downloaded. */
  readonly maxUploadBytes: number;
}

/** How many times this event has been tried, counting this time. */
export interface Attempt {
  readonly number: number;
  /** The last try before the message would go to the dead-letter queue. */
  readonly final: boolean;
}

const ARTIFACT_UPLOADS_AT_ONCE = 8;

/**
 * Explains one uploaded image and writes its artifacts under results/<key>/, summary.json last.
 * Bad images (too large, undecodable, bad metadata) and bad models are recorded as failed summaries; other errors
 * are thrown to be retried, except on the final attempt, when the failure is recorded too, so every upload ends up
 * explained or failed. The image downloaded is the one HEADed, pinned by its ETag.
 */
export async function explainUpload(
  event: S3ObjectEvent,
  context: UploadContext,
  attempt: Attempt,
): Promise<UploadOutcome> {
  const { s3, bucket } = context;
  if (
    !event.key.startsWith(PREFIXES.uploads) ||
    !IMAGE_KEY_PATTERN.test(event.key) ||
    event.key.endsWith("/")
  ) {
    return "skipped";
  }
  const unsafe = unsafeUploadKeyError(event.key);
  if (unsafe) {
    // Such a key names no safe results folder, so its failure is recorded under a hashed stand-in key; the
    // summary's source and reason name the real one.
    const source = { source: `s3://${bucket}/${event.key}` };
    await writeResults(s3, bucket, quarantineKeyFor(event.key), failedSummary(source, unsafe));
    return "failed";
  }
  const head = await headObject(s3, bucket, event.key);
  if (!head) return "skipped";
  let source: ImageSource = { source: `s3://${bucket}/${event.key}`, etag: head.etag };
  let lease: ModelLease | undefined;
  try {
    const metadata = decodeUploadMetadata(head.metadata);
    if (metadata.labels) source = { ...source, labels: metadata.labels };
    checkUploadSize(event.key, head.size, context.maxUploadBytes);
    lease = await context.models.acquire(metadata.model ?? context.defaultModel);
    const { explainer } = lease;
    const summaryKey = summaryKeyFor(event.key);
    if (await alreadyExplained(s3, bucket, summaryKey, head.etag, explainer.bundle.hash)) return "unchanged";
    const image = await download(s3, bucket, event.key, head.etag);
    if (!(image instanceof Uint8Array)) return image;
    const options = analysisOptions(explainer.bundle.config, {
      ...(metadata.targets ? { targets: metadata.targets } : {}),
      maxPixels: context.maxPixels,
    });
    const { summary, artifacts } = await analyzeImage(explainer, image, source, options);
    await writeResults(s3, bucket, event.key, summary, artifacts);
    return "explained";
  } catch (error) {
    const recordable = error instanceof BadInputError || error instanceof BadModelError;
    if (!recordable && !attempt.final) throw error;
    const reason = recordable
      ? error
      : new Error(`gave up after ${attempt.number} attempts: ${(error as Error).message}`);
    await writeResults(s3, bucket, event.key, failedSummary(source, reason, lease?.explainer));
    return "failed";
  } finally {
    await lease?.release();
  }
}

/**
 * The upload's bytes, pinned to the ETag its HEAD gave. If it has been replaced since, it is `superseded`: the
 * replacement's own notification will have it explained, so this event is done, with no record. If it has been
 * deleted, it is `skipped`.
 */
async function download(
  s3: S3Client,
  bucket: string,
  key: string,
  etag: string,
): Promise<Uint8Array | "superseded" | "skipped"> {
  try {
    return (await getObject(s3, bucket, key, { ifMatch: etag }))?.body ?? "skipped";
  } catch (error) {
    if (isConditionLost(error)) return "superseded";
    throw error;
  }
}

async function alreadyExplained(
  s3: S3Client,
  bucket: string,
  key: string,
  etag: string,
  modelHash: string,
): Promise<boolean> {
  const existing = await getJson(s3, bucket, key);
  if (!existing) return false;
  try {
    const summary = parseSummary(existing.value);
    // A summary from before thumbnails existed is redone, so that the report can show the image in full.
    return (
      summary.status === "explained" &&
      summary.image.etag === etag &&
      summary.model.hash === modelHash &&
      summary.thumbnail !== undefined
    );
  } catch {
    return false;
  }
}

async function writeResults(
  s3: S3Client,
  bucket: string,
  uploadKey: string,
  summary: Summary,
  artifacts: ReadonlyMap<string, Uint8Array> = new Map(),
): Promise<void> {
  const prefix = resultsPrefixFor(uploadKey);
  const entries = [...artifacts];
  const longest = entries.map(([path]) => path).reduce((a, b) => (b.length > a.length ? b : a), "");
  const longestKeyBytes = Buffer.byteLength(`${prefix}${longest}`);
  if (longestKeyBytes > MAX_S3_KEY_BYTES) {
    // The upload key passed the length check, but a label or layer name makes an artifact path longer than the
    // room that check leaves.
    throw new BadInputError(
      `the results key for ${longest} would be ${longestKeyBytes} bytes, over S3's ${MAX_S3_KEY_BYTES}-byte ` +
        `limit; rename the upload to a shorter key, or give the model shorter label and layer names`,
    );
  }
  await mapLimit(entries, ARTIFACT_UPLOADS_AT_ONCE, ([path, body]) =>
    putObject(s3, { Bucket: bucket, Key: `${prefix}${path}`, Body: body, ContentType: contentType(path) }),
  );
  await putObject(s3, {
    Bucket: bucket,
    Key: summaryKeyFor(uploadKey),
    Body: JSON.stringify(parseSummary(summary), null, 2),
    ContentType: "application/json",
  });
}

function contentType(path: string): string {
  if (path.endsWith(".png")) return "image/png";
  if (path.endsWith(".jpg")) return "image/jpeg";
  if (path.endsWith(".json")) return "application/json";
  return "application/octet-stream";
}
