import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { MAX_RECEIVE_COUNT } from "../../shared/storage/queue-settings.js";
import { parseS3Events } from "../../shared/storage/s3-event.js";
import type { Attempt, UploadOutcome } from "./explain-upload.js";
import type { S3ObjectEvent } from "../../shared/storage/s3-event.js";

/** How the loop drains the queue. */
export interface WorkLoopOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Each visibility extension; claims are renewed every third of it. */
  readonly claimSeconds: number;
  /** Exit after this long without messages, unless `watch`. */
  readonly idleSeconds: number;
  readonly watch: boolean;
  /** Aborted on SIGTERM: stop receiving, finish the current image, release the rest. */
  readonly stop: AbortSignal;
  readonly handle: (event: S3ObjectEvent, attempt: Attempt) => Promise<UploadOutcome>;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** The loop explains one image at a time: the GPU (or, without one, every core) is busy with it. */
export const IMAGES_AT_ONCE = 1;

/**
 * How many messages to receive at once: no more than the loop can start soon. It receives again only once it has
 * handled all it holds, so each message beyond those it can start at once would wait a whole image (seconds to
 * minutes) hidden from workers that are idle; and a burst is shared evenly among workers. SQS allows 1 to 10.
 */
export function messagesToReceive(imagesAtOnce: number): number {
  return Math.min(10, Math.max(1, Math.floor(imagesAtOnce)));
}

/**
 * Drains the work queue: long polls for {@link messagesToReceive} messages, handles them one at a time while
 * keeping every held message's claim alive, and deletes a message only after all its events are handled. A
 * message whose handling throws is left to come back (and reach the dead-letter queue after
 * {@link MAX_RECEIVE_COUNT} receives).
 */
export async function runWorkLoop(options: WorkLoopOptions): Promise<void> {
  const { sqs, queueUrl, stop, log } = options;
  let idleSince = Date.now();
  while (!stop.aborted) {
    const messages = await receive(options);
    if (messages.length === 0) {
      if (!options.watch && Date.now() - idleSince >= options.idleSeconds * 1000) {
        log({ event: "idle-exit", idleSeconds: options.idleSeconds });
        return;
      }
      continue;
    }
    const held = new Set(messages);
    const heartbeat = setInterval(() => void extend(options, [...held]), (options.claimSeconds * 1000) / 3);
    try {
      for (const message of messages) {
        if (stop.aborted) break;
        await handleMessage(options, message);
        held.delete(message);
      }
    } finally {
      clearInterval(heartbeat);
      if (held.size > 0) await release(options, [...held]);
    }
    idleSince = Date.now();
  }
  log({ event: "stopped" });

  async function handleMessage(options: WorkLoopOptions, message: Message): Promise<void> {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? "1");
    const attempt = { number: receiveCount, final: receiveCount >= MAX_RECEIVE_COUNT };
    try {
      for (const event of parseS3Events(message.Body ?? "")) {
        const started = Date.now();
        log({ event: "upload-started", key: event.key, attempt: receiveCount });
        const outcome = await options.handle(event, attempt);
        log({ event: "upload", key: event.key, outcome, attempt: receiveCount, ms: Date.now() - started });
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      log({
        event: "retry-later",
        messageId: message.MessageId,
        attempt: receiveCount,
        error: (error as Error).message,
      });
    }
  }
}

async function receive({ sqs, queueUrl, claimSeconds, stop }: WorkLoopOptions): Promise<Message[]> {
  try {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: messagesToReceive(IMAGES_AT_ONCE),
        WaitTimeSeconds: 20,
        VisibilityTimeout: claimSeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
      { abortSignal: stop },
    );
    return Messages ?? [];
  } catch (error) {
    if (stop.aborted) return [];
    throw error;
  }
}

async function extend(
  { sqs, queueUrl, claimSeconds, log }: WorkLoopOptions,
  messages: Message[],
): Promise<void> {
  if (messages.length === 0) return;
  try {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, i) => ({
          Id: String(i),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: claimSeconds,
        })),
      }),
    );
  } catch (error) {
    log({ event: "extend-failed", error: (error as Error).message });
  }
}

/** Makes held messages visible again at once, for another worker. */
async function release({ sqs, queueUrl, log }: WorkLoopOptions, messages: Message[]): Promise<void> {
  for (const message of messages) {
    await sqs
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      )
      .catch((error: unknown) => log({ event: "release-failed", error: (error as Error).message }));
  }
  log({ event: "released", count: messages.length });
}
