import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "../../cli/queue-depth.js";
import { readAllRecords } from "../../cli/local/wait-for-records.js";
import type { IndexRecord } from "../../shared/schema/index-record.js";
import { parseSummary } from "../../shared/schema/summary.js";
import { summaryKeyFor } from "../../shared/storage/s3-layout.js";
import { getJson, headObject } from "../../shared/storage/s3-objects.js";

/** Whether every upload reached the index exactly once, with its own bytes; each list names the keys at fault. */
export interface DeliveryCheck {
  readonly uploads: number;
  readonly records: readonly IndexRecord[];
  /** Keys with more than one record. */
  readonly duplicates: readonly string[];
  /** Uploads with no record, each with where it stopped (no summary, or a summary the index lacks). */
  readonly lost: readonly string[];
  /** Records of keys that were never uploaded. */
  readonly unexpected: readonly string[];
  /** Uploads whose summary or record names another ETag than the upload's HEAD. */
  readonly etagMismatches: readonly string[];
  /** Records of failed images, with their reason: the uploads are all valid images. */
  readonly failed: readonly string[];
  /** Messages left in the dead-letter queues. */
  readonly deadLetters: number;
  readonly passed: boolean;
}

const CHECKS_AT_ONCE = 16;

/**
 * Checks the index against what was uploaded (key → ETag from the PUT): exactly one record per upload and no
 * other, each explained, its summary's and its record's ETag equal to the upload's ETag now (HEAD), and empty
 * dead-letter queues.
 */
export async function checkDelivery(options: {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly bucket: string;
  readonly uploads: ReadonlyMap<string, string>;
  readonly deadLetterQueueUrls: readonly string[];
}): Promise<DeliveryCheck> {
  const { s3, bucket, uploads } = options;
  const records = await readAllRecords(s3, bucket);
  const byKey = new Map<string, IndexRecord[]>();
  for (const record of records) byKey.set(record.key, [...(byKey.get(record.key) ?? []), record]);
  const duplicates = [...byKey].filter(([, same]) => same.length > 1).map(([key]) => key);
  const unexpected = [...byKey.keys()].filter((key) => !uploads.has(key));
  const failed = records
    .filter((record) => record.status === "failed")
    .map((record) => `${record.key}: ${record.error}`);
  const lost: string[] = [];
  const etagMismatches: string[] = [];
  const keys = [...uploads.keys()];
  const checkOne = async (key: string) => {
    const head = await headObject(s3, bucket, key);
    const stored = await getJson(s3, bucket, summaryKeyFor(key));
    const record = byKey.get(key)?.[0];
    if (!record) lost.push(`${key} (${stored ? "summary written, not indexed" : "no summary"})`);
    const summaryEtag = stored ? parseSummary(stored.value).image.etag : undefined;
    const etags = { put: uploads.get(key), head: head?.etag, summary: summaryEtag, record: record?.etag };
    const wrong = Object.entries(etags).filter(([, etag]) => etag !== undefined && etag !== head?.etag);
    if (!head || wrong.length > 0) etagMismatches.push(`${key}: ${JSON.stringify(etags)}`);
  };
  const worker = async () => {
    for (let key = keys.pop(); key !== undefined; key = keys.pop()) await checkOne(key);
  };
  await Promise.all(Array.from({ length: CHECKS_AT_ONCE }, worker));
  let deadLetters = 0;
  for (const url of options.deadLetterQueueUrls) {
    const depth = await queueDepth(options.sqs, url);
    deadLetters += depth.waiting + depth.inFlight;
  }
  const passed =
    records.length === uploads.size &&
    [duplicates, lost, unexpected, etagMismatches, failed].every((faults) => faults.length === 0) &&
    deadLetters === 0;
  return {
    uploads: uploads.size,
    records,
    duplicates,
    lost: lost.sort(),
    unexpected,
    etagMismatches: etagMismatches.sort(),
    failed,
    deadLetters,
    passed,
  };
}

/** The check as lines to print: one per invariant, with up to three offending keys each. */
export function describeDelivery(check: DeliveryCheck): string[] {
  const line = (what: string, faults: readonly string[]) =>
    `  ${what.padEnd(34)}${faults.length}${faults.length > 0 ? `  e.g. ${faults.slice(0, 3).join("; ")}` : ""}`;
  return [
    `  records (expected ${check.uploads})`.padEnd(36) + String(check.records.length),
    line("duplicate keys", check.duplicates),
    line("lost uploads", check.lost),
    line("records of unknown keys", check.unexpected),
    line("ETag mismatches (summary/record)", check.etagMismatches),
    line("failed images", check.failed),
    `  ${"dead letters".padEnd(34)}${check.deadLetters}`,
    check.passed ? "PASS" : "FAIL",
  ];
}
