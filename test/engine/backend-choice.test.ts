import { describe, expect, it } from "vitest";
import type { BackendChoice } from "../../shared/config/backend-choices.js";
import { initBackend } from "../../shared/engine/backend.js";

describe("initBackend with a forced choice", () => {
  it("rejects an unknown backend by name", async () => {
    await expect(initBackend("webgpu" as BackendChoice)).rejects.toThrow(
      /unknown backend "webgpu"; use one of auto/,
    );
  });

  it("runs the forced backend", async () => {
    expect((await initBackend("cpu")).backend).toBe("cpu");
  });
});
