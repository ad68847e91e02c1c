import { describe, expect, it } from "vitest";
import { analysisOptions, type AnalysisOptions } from "../../shared/analysis/analysis-options.js";
import { BadInputError } from "../../shared/errors.js";
import { parseLensConfig, type LensConfigInput } from "../../shared/model/lens-config.js";

const lens: LensConfigInput = {
  schemaVersion: 1,
  name: "options-test",
  labels: ["scab", "rust"],
  task: "multi-label",
  input: { width: 64, height: 48 },
};

/** The message analysisOptions throws for `overrides`. */
function overrideError(overrides: Partial<AnalysisOptions>): string {
  try {
    analysisOptions(parseLensConfig(lens), overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(overrides)} to be rejected`);
}

/** The problem parseLensConfig reports for lens.json's `integratedGradients.<field>` set to `value`. */
function lensProblem(field: string, value: unknown): string {
  try {
    parseLensConfig({ ...lens, integratedGradients: { [field]: value } });
  } catch (error) {
    const line = (error as Error).message
      .split("\n")
      .find((l) => l.includes(`integratedGradients.${field}:`));
    if (line) return line.slice(line.indexOf(":") + 2);
  }
  throw new Error(
    `expected lens.json's integratedGradients.${field} = ${JSON.stringify(value)} to be rejected`,
  );
}

describe("analysisOptions", () => {
  it("takes lens.json's defaults when nothing is overridden", () => {
    expect(analysisOptions(parseLensConfig(lens))).toEqual({
      rule: "gauss-legendre",
      steps: "auto",
      tolerance: 0.01,
      maxSteps: 256,
      baselines: ["black"],
      output: "probability",
      blurSigma: 64 / 16,
      layers: 10,
      attributionsNpy: false,
    });
  });

  it("takes the settings lens.json gives", () => {
    const config = parseLensConfig({
      ...lens,
      integratedGradients: { tolerance: 0.05, maxSteps: 64, blurSigma: 2 },
      activations: { layers: ["conv1"] },
    });
    expect(analysisOptions(config)).toMatchObject({
      tolerance: 0.05,
      maxSteps: 64,
      blurSigma: 2,
      layers: ["conv1"],
    });
  });

  it("puts every override on top, and keeps lens.json's value where an override is undefined", () => {
    const overrides: Partial<AnalysisOptions> = {
      targets: ["rust"],
      rule: "trapezoid",
      steps: 8,
      tolerance: 0.001,
      maxSteps: 1024,
      baselines: ["white", "blur"],
      blurSigma: 1.5,
      output: "logit",
      layers: ["conv1", "bn1"],
      attributionsNpy: true,
      maxPixels: 1000,
    };
    expect(analysisOptions(parseLensConfig(lens), overrides)).toEqual(overrides);
    expect(analysisOptions(parseLensConfig(lens), { steps: undefined, tolerance: undefined })).toMatchObject({
      steps: "auto",
      tolerance: 0.01,
    });
  });

  it.each([
    ["tolerance", 0],
    ["tolerance", 2],
    ["maxSteps", 0],
    ["maxSteps", 1.5],
    ["maxSteps", 5000],
  ] as const)("rejects %s = %s with the problem lens.json would report, naming the field", (field, value) => {
    const message = overrideError({ [field]: value });
    expect(message).toMatch(/^the analysis options are invalid:\n/);
    expect(message).toContain(`  - ${field}: ${lensProblem(field, value)}`);
  });

  it("lists every bad field at once", () => {
    const message = overrideError({
      rule: "simpson" as AnalysisOptions["rule"],
      steps: Number.NaN,
      tolerance: -1,
      maxSteps: 0,
    });
    expect(message).toMatch(/rule: .*"gauss-legendre"/);
    expect(message).toMatch(/steps: use "auto" or a whole number from 1 to 4096/);
    expect(message).toMatch(/tolerance: .*>0/);
    expect(message).toMatch(/maxSteps: .*>=1/);
  });
});
