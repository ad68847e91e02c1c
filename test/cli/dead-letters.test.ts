import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type MessageAttributeValue,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { redriveDeadLetters, type DeadLetterRoute } from "../../cli/dead-letters.js";

const ROUTE: DeadLetterRoute = { name: "work", queueUrl: "queue", deadLetterQueueUrl: "dead" };

interface Stored {
  readonly id: string;
  readonly body: string;
  readonly attributes?: Record<string, MessageAttributeValue>;
  hidden: boolean;
}

/**
 * Two queues in memory that answer the four calls a redrive makes. Sends of a body in `failSends` and deletes
 * while `failDeletes` is set fail, as a throttled or unreachable SQS would.
 */
function fakeSqs(bodies: string[], faults: { failSends?: string[]; failDeletes?: boolean } = {}) {
  const queues: Record<string, Stored[]> = {
    dead: bodies.map((body, i) => ({
      id: `m${i}`,
      body,
      attributes: { origin: { DataType: "String", StringValue: `a${i}` } },
      hidden: false,
    })),
    queue: [],
  };
  const sqs = {
    send: (command: unknown) => {
      if (command instanceof ReceiveMessageCommand) {
        const visible = queues[command.input.QueueUrl ?? ""].filter((message) => !message.hidden);
        const batch = visible.slice(0, command.input.MaxNumberOfMessages ?? 1);
        for (const message of batch) message.hidden = true;
        const Messages = batch.map((message) => ({
          MessageId: message.id,
          ReceiptHandle: message.id,
          Body: message.body,
          MessageAttributes: message.attributes,
        }));
        return Promise.resolve({ Messages });
      }
      if (command instanceof SendMessageCommand) {
        const body = command.input.MessageBody ?? "";
        if (faults.failSends?.includes(body)) return Promise.reject(new Error("Throttling: slow down"));
        const target = queues[command.input.QueueUrl ?? ""];
        target.push({
          id: `new${target.length}`,
          body,
          attributes: command.input.MessageAttributes,
          hidden: false,
        });
        return Promise.resolve({});
      }
      if (command instanceof DeleteMessageBatchCommand) {
        const entries = command.input.Entries ?? [];
        if (faults.failDeletes)
          return Promise.resolve({ Failed: entries.map(({ Id }) => ({ Id, Message: "receipt expired" })) });
        const handles = new Set(entries.map((entry) => entry.ReceiptHandle));
        const queue = command.input.QueueUrl ?? "";
        queues[queue] = queues[queue].filter((message) => !handles.has(message.id));
        return Promise.resolve({ Failed: [] });
      }
      if (command instanceof ChangeMessageVisibilityBatchCommand) {
        const handles = new Set(command.input.Entries?.map((entry) => entry.ReceiptHandle));
        for (const message of queues[command.input.QueueUrl ?? ""])
          if (handles.has(message.id)) message.hidden = false;
        return Promise.resolve({ Failed: [] });
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  } as unknown as SQSClient;
  return { sqs, queues };
}

const bodies = Array.from({ length: 23 }, (_, i) => JSON.stringify({ Records: [{ n: i }] }));

describe("redriveDeadLetters", () => {
  it("moves every message with its body and attributes unchanged, and empties the dead-letter queue", async () => {
    const { sqs, queues } = fakeSqs(bodies);
    expect(await redriveDeadLetters({ sqs, route: ROUTE, max: Infinity })).toEqual({
      moved: 23,
      copied: 0,
      errors: [],
    });
    expect(queues.dead).toEqual([]);
    expect(queues.queue.map((message) => message.body)).toEqual(bodies);
    expect(queues.queue[7].attributes).toEqual({ origin: { DataType: "String", StringValue: "a7" } });
  });

  it("stops at max, leaving the rest in the dead-letter queue", async () => {
    const { sqs, queues } = fakeSqs(bodies);
    expect((await redriveDeadLetters({ sqs, route: ROUTE, max: 12 })).moved).toBe(12);
    expect(queues.queue).toHaveLength(12);
    expect(queues.dead).toHaveLength(11);
  });

  it("deletes only what it sent: a failed send stays in the dead-letter queue, visible, and the run stops", async () => {
    const { sqs, queues } = fakeSqs(bodies, { failSends: [bodies[3]] });
    const outcome = await redriveDeadLetters({ sqs, route: ROUTE, max: Infinity });
    expect(outcome).toEqual({
      moved: 9,
      copied: 0,
      errors: ["send to the work queue: Throttling: slow down"],
    });
    expect(queues.dead.filter((message) => !message.hidden).map((message) => message.body)).toEqual([
      bodies[3],
      ...bodies.slice(10),
    ]);
    expect(queues.queue.map((message) => message.body)).not.toContain(bodies[3]);
  });

  it("counts messages sent but not deleted as copies, and reports why", async () => {
    const { sqs, queues } = fakeSqs(bodies.slice(0, 4), { failDeletes: true });
    const outcome = await redriveDeadLetters({ sqs, route: ROUTE, max: Infinity });
    expect(outcome.moved).toBe(0);
    expect(outcome.copied).toBe(4);
    expect(outcome.errors[0]).toBe("delete from the dead-letter queue: receipt expired");
    expect(queues.queue).toHaveLength(4);
  });
});
