import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startThreadPool, type ThreadPool } from "../../shared/threads/thread-pool.js";
import type { EchoReply, EchoRequest, EchoThreadSetup } from "./echo-thread.js";

const heartbeats = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
let pool: ThreadPool<EchoRequest, EchoReply> | undefined;

function startEchoPool(): ThreadPool<EchoRequest, EchoReply> {
  new Int32Array(heartbeats).fill(0);
  pool = startThreadPool<EchoRequest, EchoReply>({
    module: new URL("./echo-thread.ts", import.meta.url),
    threads: 2,
    name: "echo thread",
    workerData: (index) => ({ index, heartbeats }) satisfies EchoThreadSetup,
  });
  return pool;
}

const echo = (value: number, delayMs = 0): EchoRequest => ({ kind: "echo", value, delayMs });

afterEach(async () => {
  await pool?.dispose();
  pool = undefined;
});

describe("startThreadPool", () => {
  it("matches each reply to its request, whatever order the replies come in", async () => {
    const threads = startEchoPool();
    // Later requests wait less, so they are answered first.
    const replies = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((value) => threads.request(value % 2, echo(value, 300 - 50 * value))),
    );
    expect(replies).toEqual([0, 1, 2, 3, 4, 5].map((value) => ({ value, thread: value % 2 })));
  });

  it("rejects only the request whose answer threw, with the thread's message", async () => {
    const threads = startEchoPool();
    const slow = threads.request(0, echo(1, 200));
    await expect(threads.request(0, { kind: "throw", message: "no such leaf" })).rejects.toThrow(
      /^echo thread failed: Error: no such leaf/,
    );
    await expect(slow).resolves.toEqual({ value: 1, thread: 0 });
    await expect(threads.request(1, echo(2))).resolves.toEqual({ value: 2, thread: 1 });
  });

  it("rejects every pending and later request once a thread exits", async () => {
    const threads = startEchoPool();
    const pending = expect(threads.request(0, echo(1, 60_000))).rejects.toThrow(
      "echo thread exited with code 3",
    );
    await expect(threads.request(1, { kind: "exit", code: 3 })).rejects.toThrow(
      "echo thread exited with code 3",
    );
    await pending;
    await expect(threads.request(0, echo(2))).rejects.toThrow("echo thread exited with code 3");
  });

  it("sends work to the thread with the fewest requests in flight", async () => {
    const threads = startEchoPool();
    expect(threads.leastBusy()).toBe(0);
    const first = threads.request(0, echo(1, 100));
    expect(threads.leastBusy()).toBe(1);
    const second = threads.request(1, echo(2, 100));
    expect(threads.leastBusy()).toBe(0);
    await Promise.all([first, second]);
    expect(threads.leastBusy()).toBe(0);
  });

  it("terminates its threads on dispose, rejecting what was pending", async () => {
    const threads = startEchoPool();
    await threads.request(0, echo(0));
    await threads.request(1, echo(0));
    const pending = expect(threads.request(0, echo(1, 60_000))).rejects.toThrow(
      "the echo thread pool was disposed",
    );
    const beats = new Int32Array(heartbeats);
    const before = Array.from(beats);
    await sleep(200);
    expect(Array.from(beats).every((count, i) => count > before[i])).toBe(true);

    await threads.dispose();
    await pending;
    const after = Array.from(beats);
    await sleep(200);
    expect(Array.from(beats)).toEqual(after);
    await expect(threads.request(1, echo(2))).rejects.toThrow("the echo thread pool was disposed");
  });

  it("refuses a thread count it cannot start", () => {
    expect(() =>
      startThreadPool({
        module: new URL("./echo-thread.ts", import.meta.url),
        threads: 0,
        name: "echo thread",
      }),
    ).toThrow("the echo thread pool needs a whole number of threads ≥ 1, got 0");
  });
});
