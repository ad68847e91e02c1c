import { setTimeout as sleep } from "node:timers/promises";
import { workerData } from "node:worker_threads";
import { answerRequests } from "../../shared/threads/answer-requests.js";

/** A thread for the thread-pool tests: it counts heartbeats, then echoes, throws or exits as asked. */

export type EchoRequest =
  | { readonly kind: "echo"; readonly value: number; readonly delayMs: number }
  | { readonly kind: "throw"; readonly message: string }
  | { readonly kind: "exit"; readonly code: number };

export interface EchoReply {
  readonly value: number;
  /** The `index` of the thread's setup, to show which thread answered. */
  readonly thread: number;
}

export interface EchoThreadSetup {
  readonly index: number;
  /** One Int32 per thread, counted up every millisecond while the thread runs. */
  readonly heartbeats: SharedArrayBuffer;
}

const setup = workerData as EchoThreadSetup;
const heartbeats = new Int32Array(setup.heartbeats);
setInterval(() => Atomics.add(heartbeats, setup.index, 1), 1);

answerRequests<EchoRequest, EchoReply>(async (request) => {
  if (request.kind === "throw") throw new Error(request.message);
  if (request.kind === "exit") process.exit(request.code);
  await sleep(request.delayMs);
  return { value: request.value, thread: setup.index };
});
