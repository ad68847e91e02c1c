/**
 * The one bucket's layout, defined once for the CDK, the worker, the indexer, the CLI and the tests.
 *
 *   uploads/<key>                       images to explain
 *   models/<name>/                      model bundles (model.json, weights, lens.json)
 *   results/<key>/summary.json          one image's summary, written last; artifacts beside it
 *   results/_unsafe-keys/<sha256>.<ext>/ the failed summary of an upload whose key is unsafe
 *   index/manifest.json                 running totals, the shard count and the shards changed lately
 *   index/records/part-NNNNN.jsonl      one JSON line per image
 *   index/keys/<sha256 of key>.json     which shard holds an image's record (the indexer's bookkeeping)
 *   index/shard-totals/part-NNNNN.json  a shard's totals, once the manifest no longer lists it (bookkeeping)
 *   index/report.html                   the results report's summary page, links relative to the bucket
 *   index/report-data/part-NNNNN.js     the report's gallery data of one shard, loaded by the page as it pages
 */
import { createHash } from "node:crypto";
import { SUMMARY_FILE } from "./artifact-paths.js";
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
export const SHARD_TOTALS_PREFIX = `${PREFIXES.index}shard-totals/`;
/** The results report's summary page, whose links are relative to the bucket. */
export const REPORT_KEY = `${PREFIXES.index}report.html`;
/** The report's data files, relative to its page (in the bucket and in a local copy alike). */
export const REPORT_DATA_FOLDER = "report-data/";

/** The name of the model bundle used when an upload names none. */
export const DEFAULT_MODEL_NAME = "default";

/** The image file extensions the worker takes from uploads/; other keys are skipped. */
export const IMAGE_KEY_PATTERN = /\.(jpe?g|png|webp|tiff?|gif|svg|bmp)$/i;

/** S3's longest key, in bytes of UTF-8. */
export const MAX_S3_KEY_BYTES = 1024;

/** The room results/<key>/ must leave under {@link MAX_S3_KEY_BYTES} for paths such as `ig/<label>/mask.png`. */
export const RESULTS_PATH_ROOM_BYTES = 128;

/** The longest upload key, in bytes of UTF-8, whose results keys fit under S3's limit (895). */
export const MAX_UPLOAD_KEY_BYTES =
  MAX_S3_KEY_BYTES -
  RESULTS_PATH_ROOM_BYTES -
  (PREFIXES.results.length - PREFIXES.uploads.length) -
  "/".length;

/**
 * Why an upload key cannot name a results folder, or undefined if it can. A key whose path segments are empty,
 * `.` or `..`, or that holds a backslash, would name a folder elsewhere once copied to disk; a key over
 * {@link MAX_UPLOAD_KEY_BYTES} would make results keys longer than S3 allows.
 */
export function unsafeUploadKeyReason(uploadKey: string): string | undefined {
  return uploadKeyProblem(uploadKey)?.reason;
}

/** The bad-input error for an upload key that {@link unsafeUploadKeyReason} rejects, or undefined. */
export function unsafeUploadKeyError(uploadKey: string): BadInputError | undefined {
  const problem = uploadKeyProblem(uploadKey);
  if (!problem) return undefined;
  const shown = uploadKey.length > 120 ? `${uploadKey.slice(0, 100)}…` : uploadKey;
  return new BadInputError(
    `upload key ${JSON.stringify(shown)} is unsafe: ${problem.reason}; ${problem.fix}`,
  );
}

function uploadKeyProblem(uploadKey: string): { reason: string; fix: string } | undefined {
  const bytes = Buffer.byteLength(uploadKey);
  if (bytes > MAX_UPLOAD_KEY_BYTES) {
    return {
      reason:
        `it is ${bytes} bytes long, over the ${MAX_UPLOAD_KEY_BYTES} bytes that leave room for its results keys ` +
        `(results/<key>/…) under S3's ${MAX_S3_KEY_BYTES}-byte key limit`,
      fix: `rename the upload to a key of at most ${MAX_UPLOAD_KEY_BYTES} bytes`,
    };
  }
  const fix = "rename the upload without such segments";
  if (uploadKey.includes("\\")) return { reason: "it contains a backslash", fix };
  const segments = uploadKey.slice(PREFIXES.uploads.length).split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) {
    return { reason: "it has a '.' or '..' segment", fix };
  }
  if (segments.includes("")) return { reason: "it has an empty path segment ('//' or a trailing '/')", fix };
  return undefined;
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

/** How a shard's sequence number appears in the names of its objects: `part-NNNNN`. */
export const SHARD_NAME = { prefix: "part-", digits: 5 } as const;

function shardName(n: number): string {
  return `${SHARD_NAME.prefix}${String(n).padStart(SHARD_NAME.digits, "0")}`;
}

/** The record shard with sequence number `n`. */
export function shardKey(n: number): string {
  return `${RECORDS_PREFIX}${shardName(n)}.jsonl`;
}

/** The sequence number of a shard's key (index/records/part-00012.jsonl is 12). */
export function shardNumber(key: string): number {
  const match = /part-(\d+)\.jsonl$/.exec(key);
  if (!match || !key.startsWith(RECORDS_PREFIX)) {
    throw new RangeError(`${JSON.stringify(key)} is not a record shard key such as ${shardKey(0)}`);
  }
  return Number(match[1]);
}

/** Where the totals of shard `n` are kept once the manifest no longer lists it. */
export function shardTotalsKey(n: number): string {
  return `${SHARD_TOTALS_PREFIX}${shardName(n)}.json`;
}

/** How the report's data files are named: `before`, the shard's number padded to `digits`, then `after`. */
export const REPORT_DATA_NAME = {
  before: `${REPORT_DATA_FOLDER}${SHARD_NAME.prefix}`,
  digits: SHARD_NAME.digits,
  after: ".js",
} as const;

/** The report's data file of shard `n`, relative to the report's page. */
export function reportDataFile(n: number): string {
  return `${REPORT_DATA_NAME.before}${String(n).padStart(REPORT_DATA_NAME.digits, "0")}${REPORT_DATA_NAME.after}`;
}

/** The key of the report's data file of shard `n`, beside index/report.html. */
export function reportDataKey(n: number): string {
  return `${PREFIXES.index}${reportDataFile(n)}`;
}

/** The bookkeeping object of one image key. */
export function keyMarkerFor(uploadKey: string): string {
  return `${KEYS_PREFIX}${sha256Hex(uploadKey)}.json`;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
