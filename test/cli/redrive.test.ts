import { describe, expect, it } from "vitest";
import { redriveCommand } from "../../cli/redrive.js";
import { UsageError } from "../../cli/usage-error.js";

describe("cnn-lens redrive's options", () => {
  it("refuses an unknown queue, naming it and the accepted ones", async () => {
    await expect(redriveCommand(["--queue", "works"])).rejects.toThrow(
      new UsageError('--queue "works" is not known; use work, index or all'),
    );
  });

  it.each(["0", "-1", "2.5", "many"])("refuses --max %s", async (max) => {
    await expect(redriveCommand([`--max=${max}`])).rejects.toThrow(
      new UsageError(`--max ${JSON.stringify(max)} must be a whole number of at least 1`),
    );
  });
});
