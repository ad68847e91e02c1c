/** Milliseconds spent per named stage, and in total. */
export class Stopwatch {
  private readonly started = performance.now();
  private readonly stages: Record<string, number> = {};

  /** Runs `work` and adds its duration to `stage`. */
  async time<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.stages[stage] = (this.stages[stage] ?? 0) + round(performance.now() - start);
    }
  }

  /** The stages so far, with `total` since the stopwatch was made. */
  timings(): Record<string, number> {
    return { ...this.stages, total: round(performance.now() - this.started) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
