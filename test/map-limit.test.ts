import { describe, expect, it } from "vitest";
import { mapLimit } from "../shared/map-limit.js";

describe("mapLimit", () => {
  it("gives the results in the items' order, with at most `limit` running at once", async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([30, 5, 20, 1, 10, 2, 8], 3, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return `${i}:${ms}`;
    });
    expect(results).toEqual(["0:30", "1:5", "2:20", "3:1", "4:10", "5:2", "6:8"]);
    expect(most).toBe(3);
  });

  it("does nothing for no items, and rejects with the first failure", async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
    await expect(
      mapLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error("item 2 failed");
        return n;
      }),
    ).rejects.toThrow("item 2 failed");
  });
});
