/**
 * The one bucket's layout, defined once for the CDK, the worker, the indexer, the CLI and the tests.
 *
 *   uploads/<key>                       images to explain
 *   models/<name>/                      model bundles (model.json, weights, lens.json)
 *   results/<key>/summary.json          one image's summary, written last; artifacts beside it
 *   results/_unsafe-keys/<sha256>.<ext>/ the failed summary of an upload whose key is unsafe
 *   index/manifest.json                 totals and the list of record shards
 *   index/records/part-NNNNN.jsonl      one JSON line per image
 *   index/keys/<sha256 of key>.json     which shard holds an image's record (the indexer's bookkeeping)
 *   index/report.html                   the results report, links relative to the bucket (at most once a minute)
 */
import { createHash } from "node:crypto";
import { SUMMARY_FILE } from "../analysis/artifact-paths.js";
import { BadInputError } from "../errors.js";

export const PREFIXES = {
  uploads: "uploads/",
  models: "models/",
  results: "results/",
  index: "index/",
} as const;

export const MANIFEST_KEY = `${PREFIXES.index}manifest.json`;
export const RECORDS_PREFIX = `${PREFIXES.index}records/`;
export const KEYS_PREFIX = `${PREFIXES.index}keys/`;
/** The results report, one self-contained page whose links are relative to the bucket. */
export const REPORT_KEY = `${PREFIXES.index}report.html`;

/** The name of the model bundle used when an upload names none. */
export const DEFAULT_MODEL_NAME = "default";

/** The image file extensions the worker takes from uploads/; other keys are skipped. */
export const IMAGE_KEY_PATTERN = /\.(jpe?g|png|webp|tiff?|gif|svg|bmp)$/i;

/**
 * Why an upload key cannot name a results folder, or undefined if it can. A key whose path segments are empty,
 * `.` or `..`, or that holds a backslash, would name a folder elsewhere once copied to disk.
 */
export function unsafeUploadKeyReason(uploadKey: string): string | undefined {
  if (uploadKey.includes("\\")) return "it contains a backslash";
  const segments = uploadKey.slice(PREFIXES.uploads.length).split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) return "it has a '.' or '..' segment";
  if (segments.includes("")) return "it has an empty path segment ('//' or a trailing '/')";
  return undefined;
}

/** The bad-input error for an upload key that {@link unsafeUploadKeyReason} rejects, or undefined. */
export function unsafeUploadKeyError(uploadKey: string): BadInputError | undefined {
  const unsafe = unsafeUploadKeyReason(uploadKey);
  if (!unsafe) return undefined;
  return new BadInputError(
    `upload key ${JSON.stringify(uploadKey)} is unsafe: ${unsafe}; rename the upload without such segments`,
  );
}

/** Where an upload with an unsafe key is recorded as failed: `uploads/_unsafe-keys/<sha256 of key><extension>`. */
export function quarantineKeyFor(uploadKey: string): string {
  const extension = /\.[A-Za-z0-9]+$/.exec(uploadKey)?.[0] ?? "";
  return `${PREFIXES.uploads}_unsafe-keys/${sha256Hex(uploadKey)}${extension}`;
}

/**
 * `results/<key without uploads/>/`: where an upload's summary and artifacts go. Throws BadInputError for a key
 * that {@link unsafeUploadKeyReason} rejects.
 */
export function resultsPrefixFor(uploadKey: string): string {
  if (!uploadKey.startsWith(PREFIXES.uploads)) {
    throw new RangeError(`${JSON.stringify(uploadKey)} is not under ${PREFIXES.uploads}`);
  }
  const unsafe = unsafeUploadKeyError(uploadKey);
  if (unsafe) throw unsafe;
  return `${PREFIXES.results}${uploadKey.slice(PREFIXES.uploads.length)}/`;
}

/** The summary.json key for an upload. */
export function summaryKeyFor(uploadKey: string): string {
  return `${resultsPrefixFor(uploadKey)}${SUMMARY_FILE}`;
}

/** The upload key a summary key belongs to, or undefined for keys that are not summaries. */
export function uploadKeyForSummary(summaryKey: string): string | undefined {
  const suffix = `/${SUMMARY_FILE}`;
  if (!summaryKey.startsWith(PREFIXES.results) || !summaryKey.endsWith(suffix)) return undefined;
  return `${PREFIXES.uploads}${summaryKey.slice(PREFIXES.results.length, -suffix.length)}`;
}

/** `models/<name>/`: the prefix of a named model bundle. */
export function modelPrefixFor(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
    throw new RangeError(`model name ${JSON.stringify(name)} must be letters, digits, '.', '_' and '-'`);
  }
  return `${PREFIXES.models}${name}/`;
}

/** The record shard with sequence number `n`. */
export function shardKey(n: number): string {
  return `${RECORDS_PREFIX}part-${String(n).padStart(5, "0")}.jsonl`;
}

/** The bookkeeping object of one image key. */
export function keyMarkerFor(uploadKey: string): string {
  return `${KEYS_PREFIX}${sha256Hex(uploadKey)}.json`;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
