import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { StackOutputs } from "../shared/storage/queue-settings.js";

/** The queues whose dead letters can be moved back, by the name `cnn-lens redrive --queue` takes. */
export const REDRIVE_QUEUES = ["work", "index"] as const;
export type RedriveQueue = (typeof REDRIVE_QUEUES)[number];

/** A queue and the dead-letter queue that its messages go to after their last receive. */
export interface DeadLetterRoute {
  readonly name: RedriveQueue;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

/** The deployment's two queues and their dead-letter queues, from its stack outputs. */
export function deadLetterRoutes(outputs: StackOutputs): DeadLetterRoute[] {
  return [
    { name: "work", queueUrl: outputs.workQueueUrl, deadLetterQueueUrl: outputs.workDeadLetterQueueUrl },
    { name: "index", queueUrl: outputs.indexQueueUrl, deadLetterQueueUrl: outputs.indexDeadLetterQueueUrl },
  ];
}

/** What one redrive did. */
export interface RedriveOutcome {
  /** Sent to the source queue and deleted from the dead-letter queue. */
  readonly moved: number;
  /**
   * Sent, but not deleted from the dead-letter queue, so they will be delivered again; the worker and the indexer
   * turn a repeated event into nothing.
   */
  readonly copied: number;
  /** Why sends or deletes failed; the messages whose send failed are still in the dead-letter queue. */
  readonly errors: readonly string[];
}

/** How long a message being moved stays hidden in the dead-letter queue: ample time to send and delete it. */
const MOVE_VISIBILITY_SECONDS = 60;

/**
 * Moves up to `max` messages from a dead-letter queue back to its source queue: receives a batch, sends each body
 * and its message attributes unchanged (as new messages, so their receive count starts again), and deletes from
 * the dead-letter queue only the messages whose send succeeded. Stops at an empty receive, at `max`, or after a
 * batch in which something failed; messages whose send failed are made visible in the dead-letter queue again.
 *
 * The same loop serves LocalStack and the cloud. SQS's own StartMessageMoveTask cannot stop after `max` messages,
 * and on LocalStack 4.13.1 it fails ("'NoneType' object has no attribute 'split'") unless given the destination.
 */
export async function redriveDeadLetters(options: {
  readonly sqs: SQSClient;
  readonly route: DeadLetterRoute;
  readonly max: number;
}): Promise<RedriveOutcome> {
  const { sqs, route, max } = options;
  let moved = 0;
  let copied = 0;
  const errors: string[] = [];
  while (moved + copied < max && errors.length === 0) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: route.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, max - moved - copied),
        WaitTimeSeconds: 1,
        VisibilityTimeout: MOVE_VISIBILITY_SECONDS,
        MessageAttributeNames: ["All"],
      }),
    );
    if (messages.length === 0) break;
    const sends = await Promise.allSettled(
      messages.map((message) =>
        sqs.send(
          new SendMessageCommand({
            QueueUrl: route.queueUrl,
            MessageBody: message.Body,
            MessageAttributes: message.MessageAttributes,
          }),
        ),
      ),
    );
    const sent = messages.filter((_, i) => sends[i].status === "fulfilled");
    const unsent = messages.filter((_, i) => sends[i].status === "rejected");
    for (const send of sends)
      if (send.status === "rejected") errors.push(`send to the ${route.name} queue: ${reason(send.reason)}`);
    const deleted = await deleteAll(sqs, route.deadLetterQueueUrl, sent, errors);
    moved += deleted;
    copied += sent.length - deleted;
    await releaseAll(sqs, route.deadLetterQueueUrl, unsent);
  }
  return { moved, copied, errors };
}

/** Deletes the messages, returning how many were deleted; failures are added to `errors`. */
async function deleteAll(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Message[],
  errors: string[],
): Promise<number> {
  if (messages.length === 0) return 0;
  try {
    const { Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    for (const failure of Failed) errors.push(`delete from the dead-letter queue: ${failure.Message}`);
    return messages.length - Failed.length;
  } catch (error) {
    errors.push(`delete from the dead-letter queue: ${reason(error)}`);
    return 0;
  }
}

/** Makes messages visible again at once; if this fails they reappear when their visibility timeout ends. */
async function releaseAll(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  if (messages.length === 0) return;
  await sqs
    .send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, i) => ({
          Id: String(i),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    )
    .catch(() => undefined);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
