import { BadInputError, BadModelError } from "../errors.js";
import { parseSummary, SUMMARY_SCHEMA_VERSION, type FailedSummary } from "../schema/summary.js";
import { CNN_LENS_VERSION } from "../version.js";
import type { ImageSource } from "./analyze-image.js";
import type { Explainer } from "./explainer.js";

/** The kind of failure a summary records, by the error's type. */
export function failureKind(error: unknown): FailedSummary["error"]["kind"] {
  if (error instanceof BadInputError) return "bad-input";
  if (error instanceof BadModelError) return "bad-model";
  return "internal";
}

/** The summary of an image that could not be explained, with the reason. */
export function failedSummary(
  source: ImageSource,
  error: unknown,
  explainer?: Explainer,
  timings: Record<string, number> = {},
): FailedSummary {
  const message = (error instanceof Error ? error.message : String(error)) || "unknown error";
  return parseSummary({
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    status: "failed",
    createdAt: new Date().toISOString(),
    image: {
      source: source.source,
      ...(source.etag ? { etag: source.etag } : {}),
      ...(source.labels ? { labels: [...source.labels] } : {}),
    },
    ...(explainer
      ? {
          model: {
            id: explainer.bundle.id,
            hash: explainer.bundle.hash,
            inputShape: [...explainer.inputShape],
          },
          runtime: {
            ...explainer.runtime,
            skipped: [...explainer.runtime.skipped],
            cnnLensVersion: CNN_LENS_VERSION,
          },
        }
      : {}),
    error: { kind: failureKind(error), message },
    timings,
  }) as FailedSummary;
}
