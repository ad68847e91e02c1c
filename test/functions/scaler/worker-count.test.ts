import { describe, expect, it } from "vitest";
import { targetWorkers, workersToSubmit } from "../../../functions/scaler/worker-count.js";

const sizing = { maxWorkers: 4, imagesPerWorker: 100 };

describe("targetWorkers", () => {
  it("wants no worker for an empty queue", () => {
    expect(targetWorkers({ ...sizing, queueDepth: 0 })).toBe(0);
  });

  it("wants one worker per imagesPerWorker images, rounding up", () => {
    expect(targetWorkers({ ...sizing, queueDepth: 1 })).toBe(1);
    expect(targetWorkers({ ...sizing, queueDepth: 100 })).toBe(1);
    expect(targetWorkers({ ...sizing, queueDepth: 101 })).toBe(2);
    expect(targetWorkers({ ...sizing, queueDepth: 300 })).toBe(3);
  });

  it("never wants more than maxWorkers", () => {
    expect(targetWorkers({ ...sizing, queueDepth: 401 })).toBe(4);
    expect(targetWorkers({ ...sizing, queueDepth: 1_000_000 })).toBe(4);
    expect(targetWorkers({ queueDepth: 5, maxWorkers: 0, imagesPerWorker: 1 })).toBe(0);
  });

  it("equals min(maxWorkers, ⌈depth / imagesPerWorker⌉) over a grid of inputs", () => {
    for (let queueDepth = 0; queueDepth <= 60; queueDepth++) {
      for (const imagesPerWorker of [1, 2, 7, 10, 61]) {
        for (const maxWorkers of [0, 1, 3, 50]) {
          let expected = 0;
          while (expected < maxWorkers && expected * imagesPerWorker < queueDepth) expected++;
          expect(targetWorkers({ queueDepth, maxWorkers, imagesPerWorker })).toBe(expected);
        }
      }
    }
  });
});

describe("workersToSubmit", () => {
  it("submits the whole target when nothing is active", () => {
    expect(workersToSubmit({ ...sizing, queueDepth: 250, activeWorkers: 0 })).toBe(3);
  });

  it("submits only the difference to the active workers", () => {
    expect(workersToSubmit({ ...sizing, queueDepth: 250, activeWorkers: 1 })).toBe(2);
    expect(workersToSubmit({ ...sizing, queueDepth: 250, activeWorkers: 3 })).toBe(0);
  });

  it("never submits a negative number when more are active than wanted", () => {
    expect(workersToSubmit({ ...sizing, queueDepth: 50, activeWorkers: 4 })).toBe(0);
    expect(workersToSubmit({ ...sizing, queueDepth: 0, activeWorkers: 2 })).toBe(0);
  });

  it("keeps active plus submitted within maxWorkers, however deep the queue", () => {
    for (let activeWorkers = 0; activeWorkers <= 6; activeWorkers++) {
      const submitted = workersToSubmit({ ...sizing, queueDepth: 10_000, activeWorkers });
      expect(submitted).toBe(Math.max(0, 4 - activeWorkers));
      expect(activeWorkers + submitted).toBeLessThanOrEqual(Math.max(4, activeWorkers));
    }
  });

  it("refuses inputs that are not whole numbers in range, naming the field", () => {
    expect(() => workersToSubmit({ ...sizing, queueDepth: -1, activeWorkers: 0 })).toThrow(/queueDepth/);
    expect(() => workersToSubmit({ ...sizing, queueDepth: 1.5, activeWorkers: 0 })).toThrow(/queueDepth/);
    expect(() => workersToSubmit({ ...sizing, queueDepth: Number.NaN, activeWorkers: 0 })).toThrow(
      /queueDepth/,
    );
    expect(() => workersToSubmit({ ...sizing, queueDepth: 1, activeWorkers: -2 })).toThrow(/activeWorkers/);
    expect(() =>
      workersToSubmit({ queueDepth: 1, activeWorkers: 0, maxWorkers: -1, imagesPerWorker: 1 }),
    ).toThrow(/maxWorkers/);
    expect(() =>
      workersToSubmit({ queueDepth: 1, activeWorkers: 0, maxWorkers: 1, imagesPerWorker: 0 }),
    ).toThrow(/imagesPerWorker must be a whole number of at least 1, not 0/);
  });
});
