import { parentPort } from "node:worker_threads";
import type { ReplyEnvelope, RequestEnvelope } from "./thread-pool.js";

/**
 * The thread side of a thread pool (./thread-pool.ts): answers each request with `answer`, and
 * sends back the reply under the request's id, or, when `answer` throws, its stack, so that the caller's
 * rejection says what went wrong in here. `transfer` names the reply's buffers to move rather than copy; this
 * thread must not use them afterwards.
 */
export function answerRequests<Request, Reply>(
  answer: (request: Request) => Promise<Reply>,
  transfer: (reply: Reply) => ArrayBuffer[] = () => [],
): void {
  const port = parentPort;
  if (!port) throw new Error("answerRequests runs only in a worker thread, started by startThreadPool");
  port.on("message", async ({ id, request }: RequestEnvelope<Request>) => {
    try {
      const reply = await answer(request);
      port.postMessage({ id, reply } satisfies ReplyEnvelope<Reply>, transfer(reply));
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      port.postMessage({ id, error: message } satisfies ReplyEnvelope<Reply>);
    }
  });
}
