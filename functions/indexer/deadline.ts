import { TransientError } from "../../shared/errors.js";

/** Time, and waiting, as the indexer sees them; tests pass a clock whose sleep only moves its time forward. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The work did not finish before its deadline; it is safe to retry, and the message it came from will be. A
 * {@link TransientError} (its `name` stays TransientError), told apart with instanceof.
 */
export class DeadlineExceededError extends TransientError {}

/**
 * A point in time that the indexer's retry loops must not wait past: in the Lambda, its timeout less a margin
 * ({@link Deadline.forLambda}), so a batch that keeps losing conditional-write races gives up as a retryable
 * failure while the function can still report it, instead of being killed by the timeout.
 */
export class Deadline {
  constructor(
    /** Epoch ms. */
    readonly at: number,
    readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  /** A deadline `ms` from now. */
  static after(ms: number, clock: Clock = SYSTEM_CLOCK): Deadline {
    return new Deadline(clock.now() + ms, clock);
  }

  /** The Lambda's remaining time less `marginMs`, kept for answering (batch item failures, the report's page). */
  static forLambda(remainingMs: number, marginMs: number): Deadline {
    return Deadline.after(Math.max(0, remainingMs - marginMs));
  }

  remainingMs(): number {
    return this.at - this.clock.now();
  }

  /** Throws {@link DeadlineExceededError} naming `what` once the deadline has passed. */
  check(what: string): void {
    if (this.remainingMs() <= 0) throw this.exceeded(what);
  }

  /**
   * Waits before retry `race` (exponential, from 10 ms to 1 s, jittered), or throws {@link DeadlineExceededError}
   * naming `what` if the wait would end past the deadline.
   */
  async backoff(race: number, what: string): Promise<void> {
    const ms = Math.min(1000, 10 * 2 ** Math.min(race, 6)) * (0.5 + Math.random());
    if (ms >= this.remainingMs()) throw this.exceeded(`${what} (lost ${race + 1} races)`);
    await this.clock.sleep(ms);
  }

  private exceeded(what: string): DeadlineExceededError {
    return new DeadlineExceededError(
      `gave up ${what} at the deadline, ${new Date(this.at).toISOString()} (the index function's timeout less a ` +
        `margin); it is retried: the message returns to the queue, the report refresh runs again next minute`,
    );
  }
}
