import { describe, expect, it } from "vitest";
import { backendChoiceFrom, ENV, environmentReader } from "../../shared/config/environment.js";

describe("environmentReader", () => {
  it('reads "false" as false (the powertools bug), and other spellings of booleans', () => {
    const env = environmentReader({ A: "false", B: "TRUE", C: "0", D: "yes", E: "" });
    expect([
      env.boolean("A", true),
      env.boolean("B", false),
      env.boolean("C", true),
      env.boolean("D", false),
    ]).toEqual([false, true, false, true]);
    expect(env.boolean("E", true)).toBe(true);
    expect(env.boolean("MISSING", false)).toBe(false);
    expect(() => environmentReader({ A: "maybe" }).boolean("A", true)).toThrow(/A="maybe" is not a boolean/);
  });

  it("checks whole numbers against their range and names the variable", () => {
    const env = environmentReader({ N: "3", BAD: "2.5", BIG: "99" });
    expect(env.integer("N", 1, 0, 8)).toBe(3);
    expect(env.integer("MISSING", 1, 0, 8)).toBe(1);
    expect(() => env.integer("BAD", 1, 0, 8)).toThrow(/BAD="2.5" must be a whole number from 0 to 8/);
    expect(() => env.integer("BIG", 1, 0, 8)).toThrow(/BIG="99"/);
  });

  it("reads the backend choice, and names the allowed values when it is wrong", () => {
    expect(backendChoiceFrom({})).toBe("auto");
    expect(backendChoiceFrom({ [ENV.backend]: "wasm" })).toBe("wasm");
    expect(() => backendChoiceFrom({ [ENV.backend]: "gpu" })).toThrow(
      /CNN_LENS_BACKEND="gpu" is not allowed; set it to one of auto, tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });
});
