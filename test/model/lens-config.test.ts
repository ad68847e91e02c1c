import { describe, expect, it } from "vitest";
import { BadModelError } from "../../shared/errors.js";
import { parseLensConfig, thresholdsOf } from "../../shared/model/lens-config.js";
import { SEED_LENS } from "../../shared/model/seed-lens.js";

/** The seed's lens.json with only its input size given, so that the defaults are filled in. */
const seed = { ...SEED_LENS, input: { width: 256, height: 256 } };

describe("parseLensConfig", () => {
  it("fills in the seed notebook's defaults", () => {
    const config = parseLensConfig(seed);
    expect(config.noLabel).toBe("healthy");
    expect(config.input).toEqual({ width: 256, height: 256, channels: 3, scale: 1 / 255, offset: 0 });
    expect(config.integratedGradients).toEqual({
      rule: "gauss-legendre",
      steps: "auto",
      tolerance: 0.01,
      maxSteps: 256,
      baselines: ["black"],
      output: "probability",
    });
    expect(config.activations.layers).toBe(10);
    expect(thresholdsOf(config)).toEqual([0.57, 0.41, 0.36, 0.37, 0.17]);
  });

  it("defaults every threshold to 0.5", () => {
    const { thresholds: _thresholds, ...rest } = seed;
    expect(thresholdsOf(parseLensConfig(rest))).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it("lists every bad field at once, with what to do", () => {
    const bad = {
      ...seed,
      thresholds: [0.5, 2],
      noLabel: "rust",
      input: { width: 0, height: 256 },
      integratedGradients: { rule: "simpson", blurSigma: -1 },
    };
    let error: unknown;
    try {
      parseLensConfig(bad, "models/x/lens.json");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadModelError);
    const message = (error as Error).message;
    expect(message).toMatch(/^models\/x\/lens.json is invalid/);
    expect(message).toMatch(/thresholds.1: .*<=1/);
    expect(message).toMatch(/thresholds: give one threshold per label \(5\), got 2/);
    expect(message).toMatch(/noLabel: "rust" is also a class label/);
    expect(message).toMatch(/input.width/);
    expect(message).toMatch(/integratedGradients.rule/);
    expect(message).toMatch(/integratedGradients.blurSigma: .*>0/);
  });

  it("rejects an unknown schema version and a missing field by name", () => {
    expect(() => parseLensConfig({ ...seed, schemaVersion: 2 })).toThrow(/schemaVersion/);
    const { labels: _labels, ...rest } = seed;
    expect(() => parseLensConfig(rest)).toThrow(/labels/);
  });
});
