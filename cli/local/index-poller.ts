import type { S3Client } from "@aws-sdk/client-s3";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { handleIndexEvent } from "../../functions/indexer/handler.js";

/**
 * Drives the index Lambda's handler locally, as the SQS event source mapping does in the cloud: receive a batch,
 * call the handler, delete what it did not report as failed. Runs until `stop` is aborted.
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
  while (!stop.aborted) {
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
