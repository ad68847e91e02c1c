import type { S3Client } from "@aws-sdk/client-s3";
import { analysisOptions } from "../../shared/analysis/analysis-options.js";
import { analyzeImage, type ImageSource } from "../../shared/analysis/analyze-image.js";
import type { Explainer } from "../../shared/analysis/explainer.js";
import { failedSummary } from "../../shared/analysis/failed-summary.js";
import { BadInputError, BadModelError } from "../../shared/errors.js";
import { parseSummary, type Summary } from "../../shared/schema/summary.js";
import type { S3ObjectEvent } from "../../shared/storage/s3-event.js";
import { getJson, getObject, headObject, putObject } from "../../shared/storage/s3-objects.js";
import {
  IMAGE_KEY_PATTERN,
  PREFIXES,
  resultsPrefixFor,
  summaryKeyFor,
  quarantineKeyFor,
  unsafeUploadKeyError,
} from "../../shared/storage/s3-layout.js";
import type { ModelCache } from "./model-cache.js";
import { uploadMetadata } from "./upload-metadata.js";

/** What became of one upload event. */
export type UploadOutcome = "explained" | "failed" | "unchanged" | "skipped";

export interface UploadContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly models: ModelCache;
  readonly defaultModel: string;
  readonly maxPixels: number;
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
 * Bad images and bad models are recorded as failed summaries; other errors are thrown to be retried, except on
 * the final attempt, when the failure is recorded too, so every upload ends up explained or failed.
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
  const metadata = uploadMetadata(head.metadata);
  const source: ImageSource = {
    source: `s3://${bucket}/${event.key}`,
    etag: head.etag,
    ...(metadata.labels ? { labels: metadata.labels } : {}),
  };
  const summaryKey = summaryKeyFor(event.key);
  let explainer: Explainer | undefined;
  try {
    explainer = await context.models.get(metadata.model ?? context.defaultModel);
    if (await alreadyExplained(s3, bucket, summaryKey, head.etag, explainer.bundle.hash)) return "unchanged";
    const image = await getObject(s3, bucket, event.key);
    if (!image) return "skipped";
    const options = analysisOptions(explainer.bundle.config, {
      ...(metadata.targets ? { targets: metadata.targets } : {}),
      maxPixels: context.maxPixels,
    });
    const { summary, artifacts } = await analyzeImage(explainer, image.body, source, options);
    await writeResults(s3, bucket, event.key, summary, artifacts);
    return "explained";
  } catch (error) {
    const recordable = error instanceof BadInputError || error instanceof BadModelError;
    if (!recordable && !attempt.final) throw error;
    const reason = recordable
      ? error
      : new Error(`gave up after ${attempt.number} attempts: ${(error as Error).message}`);
    await writeResults(s3, bucket, event.key, failedSummary(source, reason, explainer));
    return "failed";
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
  for (let start = 0; start < entries.length; start += ARTIFACT_UPLOADS_AT_ONCE) {
    await Promise.all(
      entries.slice(start, start + ARTIFACT_UPLOADS_AT_ONCE).map(([path, body]) =>
        putObject(s3, {
          Bucket: bucket,
          Key: `${prefix}${path}`,
          Body: body,
          ContentType: contentType(path),
        }),
      ),
    );
  }
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
