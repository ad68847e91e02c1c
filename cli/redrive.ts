import { parseArgs } from "node:util";
import { sqsClient } from "../shared/storage/sqs-client.js";
import { MAX_RECEIVE_COUNT } from "../shared/storage/queue-settings.js";
import { deadLetterRoutes, redriveDeadLetters, REDRIVE_QUEUES } from "./dead-letters.js";
import { findDeployment } from "./local/deployment.js";
import { queueDepth } from "./queue-depth.js";
import { UsageError } from "./usage-error.js";

export const REDRIVE_USAGE = `usage: cnn-lens redrive [--queue work|index|all] [--max N] [--dry-run]

Moves the messages of the dead-letter queues (those received ${MAX_RECEIVE_COUNT} times without success) back to their
queues, bodies unchanged, so that the worker or the indexer tries them again. cnn-lens status shows how many
there are. Talks to LocalStack unless CNN_LENS_STACK names a cloud stack.

  --queue Q   work, index or all (default: all)
  --max N     move at most N messages from each dead-letter queue (default: every one)
  --dry-run   only say how many would move`;

/** `cnn-lens redrive`. */
export async function redriveCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      queue: { type: "string", default: "all" },
      max: { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const queues = values.queue === "all" ? REDRIVE_QUEUES : [values.queue];
  if (!queues.every((queue) => (REDRIVE_QUEUES as readonly string[]).includes(queue)))
    throw new UsageError(`--queue ${JSON.stringify(values.queue)} is not known; use work, index or all`);
  const max = values.max === undefined ? Infinity : Number(values.max);
  if (values.max !== undefined && !(Number.isInteger(max) && max >= 1))
    throw new UsageError(`--max ${JSON.stringify(values.max)} must be a whole number of at least 1`);

  const { aws, outputs } = await findDeployment(process.env);
  const sqs = sqsClient(aws);
  let failed = false;
  for (const route of deadLetterRoutes(outputs).filter((candidate) => queues.includes(candidate.name))) {
    const what = `${route.name} dead letters → ${route.name} queue`;
    if (values["dry-run"]) {
      const { waiting, inFlight } = await queueDepth(sqs, route.deadLetterQueueUrl);
      console.log(
        `${what}: would move ${Math.min(waiting, max)} (${waiting} waiting, ${inFlight} in flight)`,
      );
      continue;
    }
    const { moved, copied, errors } = await redriveDeadLetters({ sqs, route, max });
    const copies =
      copied > 0
        ? `; ${copied} more sent but left in the dead-letter queue (harmless if redriven again)`
        : "";
    console.log(`${what}: moved ${moved}${copies}`);
    for (const error of errors) console.error(`cnn-lens redrive: ${route.name}: ${error}`);
    failed ||= errors.length > 0;
  }
  if (failed) console.error("cnn-lens redrive: some messages did not move; run cnn-lens redrive again");
  return failed ? 1 : 0;
}
