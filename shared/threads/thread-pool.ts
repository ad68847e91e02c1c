import { Worker } from "node:worker_threads";

/** A request on its way to a thread, with the id its reply comes back with. */
export interface RequestEnvelope<Request> {
  readonly id: number;
  readonly request: Request;
}

/** A thread's answer to request `id`: its reply, or the message of what it threw. */
export type ReplyEnvelope<Reply> =
  { readonly id: number; readonly reply: Reply } | { readonly id: number; readonly error: string };

/** How to start a {@link ThreadPool}. */
export interface ThreadPoolOptions {
  /** The TypeScript module each thread runs; it answers with `answerRequests` (./answer-requests.ts). */
  readonly module: URL;
  /** How many threads to start, at least 1. */
  readonly threads: number;
  /** What the threads are called in error messages, e.g. "gradient thread". */
  readonly name: string;
  /** What thread `index` reads as its `workerData`. @default nothing */
  readonly workerData?: (index: number) => unknown;
}

/** Worker threads that answer requests; each reply is matched to its request by id. */
export interface ThreadPool<Request, Reply> {
  readonly threads: number;
  /**
   * Sends `request` to thread `index` and resolves with its reply, or rejects with the message of what the
   * thread threw (that request only). When a thread dies, every pending and later request rejects: a pool's
   * work is dealt out to all its threads, so one lost thread loses the whole.
   */
  request(index: number, request: Request): Promise<Reply>;
  /** The thread with the fewest requests in flight (the first such one). */
  leastBusy(): number;
  /** Rejects every pending request and terminates the threads. */
  dispose(): Promise<void>;
}

/** Registers tsx in the thread, then imports the module given as its argument. */
const ENTRY = new URL("./thread-entry.mjs", import.meta.url);

/** Starts `options.threads` worker threads running `options.module`. */
export function startThreadPool<Request, Reply>(options: ThreadPoolOptions): ThreadPool<Request, Reply> {
  const { name, threads } = options;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`the ${name} pool needs a whole number of threads ≥ 1, got ${threads}`);
  }
  const pending = new Map<
    number,
    { readonly thread: number; resolve: (reply: Reply) => void; reject: (error: Error) => void }
  >();
  const inFlight = new Array<number>(threads).fill(0);
  let broken: Error | undefined;
  let nextId = 0;

  const settle = (id: number) => {
    const waiter = pending.get(id);
    if (waiter) {
      pending.delete(id);
      inFlight[waiter.thread] -= 1;
    }
    return waiter;
  };
  const breakPool = (error: Error) => {
    broken ??= error;
    for (const id of [...pending.keys()]) settle(id)?.reject(error);
  };

  const workers = Array.from({ length: threads }, (_, index) => {
    const worker = new Worker(ENTRY, {
      argv: [options.module.href],
      workerData: options.workerData?.(index),
    });
    worker.on("message", (message: ReplyEnvelope<Reply>) => {
      const waiter = settle(message.id);
      if ("error" in message) waiter?.reject(new Error(`${name} failed: ${message.error}`));
      else waiter?.resolve(message.reply);
    });
    worker.on("error", (error) => breakPool(new Error(`${name} failed: ${error.message}`)));
    worker.on("exit", (code) => breakPool(new Error(`${name} exited with code ${code}`)));
    return worker;
  });

  return {
    threads,
    request(index, request) {
      return new Promise<Reply>((resolve, reject) => {
        if (broken) return reject(broken);
        const worker = workers[index];
        if (!worker)
          return reject(new RangeError(`no ${name} ${index}: the pool has threads 0 to ${threads - 1}`));
        const id = nextId++;
        pending.set(id, { thread: index, resolve, reject });
        inFlight[index] += 1;
        try {
          worker.postMessage({ id, request } satisfies RequestEnvelope<Request>);
        } catch (error) {
          settle(id);
          reject(error as Error);
        }
      });
    },
    leastBusy: () => inFlight.indexOf(Math.min(...inFlight)),
    async dispose() {
      breakPool(new Error(`the ${name} pool was disposed`));
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
