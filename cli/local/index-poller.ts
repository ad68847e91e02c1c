import type { S3Client } from "@aws-sdk/client-s3";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { handleIndexEvent } from "../../functions/indexer/handler.js";
import { refreshReport } from "../../functions/indexer/report-refresh.js";

/**
 * Drives the index Lambda's handler locally, as the SQS event source mapping does in the cloud: receive a batch,
 * call the handler, delete what it did not report as failed. Runs until `stop` is aborted. While the report lags
 * the index it also asks for a report refresh after every poll, as the cloud's schedule does every minute; the
 * refresh itself keeps regenerations at most once a minute.
 */
export async function pollIndexQueue(options: {
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly queueUrl: string;
  readonly stop: AbortSignal;
  readonly waitSeconds?: number;
  readonly log?: (entry: Record<string, unknown>) => void;
}): Promise<void> {
  const { sqs, queueUrl, stop } = options;
  const log = options.log ?? (() => {});
  let reportLags = true;
  while (!stop.aborted) {
    if (reportLags) {
      try {
        reportLags = !(await refreshReport({ s3: options.s3, bucket: options.bucket })).upToDate;
      } catch (error) {
        log({ event: "report-refresh-failed", error: (error as Error).message });
      }
    }
    let messages;
    try {
      ({ Messages: messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: options.waitSeconds ?? 2,
        }),
        { abortSignal: stop },
      ));
    } catch (error) {
      if (stop.aborted) return;
      throw error;
    }
    if (!messages || messages.length === 0) continue;
    reportLags = true;
    const records = messages.map((message) => ({
      messageId: message.MessageId ?? "",
      body: message.Body ?? "",
    }));
    const { batchItemFailures } = await handleIndexEvent(
      { Records: records },
      { s3: options.s3, bucket: options.bucket, log: options.log },
    );
    const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
    const done = messages.filter((message) => !failed.has(message.MessageId ?? ""));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  }
}
