import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** How many messages a queue holds: visible ones and ones a consumer has received but not yet deleted. */
export interface QueueDepth {
  readonly waiting: number;
  readonly inFlight: number;
}

/** A queue's approximate depth (SQS counts are eventually consistent). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    waiting: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
