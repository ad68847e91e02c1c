/** Queue settings shared by the CDK definition and the programs that consume the queues. */

/** A message received this many times without being deleted moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;

/** How long a received work message stays hidden before the worker must extend its claim. */
export const WORK_VISIBILITY_SECONDS = 120;

/** How long a received index message stays hidden (six times the index function's timeout, as AWS advises). */
export const INDEX_VISIBILITY_SECONDS = 6 * 60;

/** The index function's timeout. */
export const INDEX_TIMEOUT_SECONDS = 60;

/** Dead letters are kept for the longest time SQS allows, 14 days. */
export const DEAD_LETTER_RETENTION_DAYS = 14;

/** The names of the stack outputs that programs read to find the resources. */
export const STACK_OUTPUTS = {
  bucket: "BucketName",
  workQueueUrl: "WorkQueueUrl",
  workDeadLetterQueueUrl: "WorkDeadLetterQueueUrl",
  indexQueueUrl: "IndexQueueUrl",
  indexDeadLetterQueueUrl: "IndexDeadLetterQueueUrl",
} as const;

export type StackOutputs = Record<keyof typeof STACK_OUTPUTS, string>;
