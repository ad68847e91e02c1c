import type { S3Client } from "@aws-sdk/client-s3";
import { recordFromSummary, type IndexRecord } from "../../shared/schema/index-record.js";
import { parseSummary } from "../../shared/schema/summary.js";
import { parseS3Events } from "../../shared/storage/s3-event.js";
import { uploadKeyForSummary } from "../../shared/storage/s3-layout.js";
import { getJson } from "../../shared/storage/s3-objects.js";
import type { Deadline } from "./deadline.js";
import { IndexStore } from "./index-store.js";

/** The part of an SQS event that the indexer reads. */
export interface SqsEvent {
  readonly Records: readonly { readonly messageId: string; readonly body: string }[];
}

/** Which messages of the batch to retry (SQS `ReportBatchItemFailures`). */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface IndexerDependencies {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly log?: (entry: Record<string, unknown>) => void;
  /** When the batch's conditional-write retries give up, failing every message (see IndexStoreOptions). */
  readonly deadline?: Deadline;
}

/**
 * Indexes the summaries named by a batch of S3 notifications. A message whose summary cannot be read or indexed
 * is reported as a batch item failure, so SQS retries it (and dead-letters it after three tries) alone.
 */
export async function handleIndexEvent(
  event: SqsEvent,
  dependencies: IndexerDependencies,
): Promise<SqsBatchResponse> {
  const { s3, bucket, log = () => {}, deadline } = dependencies;
  const store = new IndexStore(s3, bucket, { deadline });
  const failures = new Set<string>();
  const byMessage = new Map<string, IndexRecord[]>();
  for (const message of event.Records) {
    try {
      const records: IndexRecord[] = [];
      for (const s3Event of parseS3Events(message.body)) {
        const key = uploadKeyForSummary(s3Event.key);
        if (!key) continue;
        const stored = await getJson(s3, bucket, s3Event.key);
        if (!stored) continue;
        records.push(
          recordFromSummary(key, s3Event.key, parseSummary(stored.value, s3Event.key), new Date()),
        );
      }
      byMessage.set(message.messageId, records);
    } catch (error) {
      failures.add(message.messageId);
      log({ event: "index-read-failed", messageId: message.messageId, error: (error as Error).message });
    }
  }
  try {
    await store.put([...byMessage.values()].flat());
  } catch (error) {
    for (const messageId of byMessage.keys()) failures.add(messageId);
    log({ event: "index-write-failed", error: (error as Error).message });
  }
  return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
}
