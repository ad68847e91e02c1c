import { describe, expect, it } from "vitest";
import { IMAGES_AT_ONCE, messagesToReceive } from "../../../functions/worker/work-loop.js";

describe("messagesToReceive", () => {
  it("asks for no more messages than the loop starts at once, within SQS's 1 to 10", () => {
    expect(IMAGES_AT_ONCE).toBe(1);
    expect(messagesToReceive(IMAGES_AT_ONCE)).toBe(1);
    expect(messagesToReceive(4)).toBe(4);
    expect(messagesToReceive(0)).toBe(1);
    expect(messagesToReceive(32)).toBe(10);
  });
});
