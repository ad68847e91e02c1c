import { execFile } from "node:child_process";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import { saveModelBundle } from "../../shared/model/save-model-bundle.js";
import { parseSummary, type ExplainedSummary } from "../../shared/schema/summary.js";
import { syntheticImage } from "../fixtures/images.js";
import { seedLikeCnn, seedLikeLens } from "../fixtures/models.js";

const run = promisify(execFile);
const CLI = join(import.meta.dirname, "../../bin/cnn-lens.mjs");
let folder: string;

async function cnnLens(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", [CLI, ...args], {
      env: { ...process.env, CNN_LENS_THREADS: "1" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

beforeAll(async () => {
  await initBackend("auto");
  folder = await mkdtemp(join(tmpdir(), "cnn-lens-cli-"));
  await saveModelBundle(seedLikeCnn(16), seedLikeLens(16), join(folder, "model"));
  await writeFile(join(folder, "leaf one.png"), await syntheticImage(40, 30));
  await writeFile(join(folder, "notes.png"), "not an image");
});

describe("cnn-lens analyze", () => {
  it("explains the good file, records the bad one with its reason, and exits non-zero", async () => {
    const out = join(folder, "out");
    const result = await cnnLens(
      "analyze",
      join(folder, "leaf one.png"),
      join(folder, "notes.png"),
      "--model",
      join(folder, "model"),
      "--out",
      out,
      "--steps",
      "4",
      "--json",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/notes.png: not a decodable image/);
    expect(result.stderr).toMatch(/1 explained, 1 failed/);

    const printed = (JSON.parse(result.stdout) as unknown[]).map((s) => parseSummary(s));
    expect(printed.map((s) => s.status)).toEqual(["explained", "failed"]);

    const good = parseSummary(
      JSON.parse(await readFile(join(out, "leaf one", "summary.json"), "utf8")),
    ) as ExplainedSummary;
    expect(good.integratedGradients.every((ig) => ig.steps === 4)).toBe(true);
    const named = [
      good.input,
      ...good.integratedGradients.flatMap((ig) => Object.values(ig.artifacts)),
      ...good.gradCam.flatMap((c) => Object.values(c.artifacts)),
      ...good.activations.map((a) => a.grid),
    ];
    for (const path of named) expect((await stat(join(out, "leaf one", path))).size).toBeGreaterThan(0);

    const bad = parseSummary(JSON.parse(await readFile(join(out, "notes", "summary.json"), "utf8")));
    expect(bad).toMatchObject({ status: "failed", error: { kind: "bad-input" } });
  });

  it("takes the images of a folder, and honours --targets and --method", async () => {
    const out = join(folder, "out-targets");
    const result = await cnnLens(
      "analyze",
      folder,
      "--model",
      join(folder, "model"),
      "--out",
      out,
      "--targets",
      "rust",
      "--method",
      "trapezoid",
      "--steps",
      "3",
      "--layers",
      "conv1,bn1",
    );
    expect(result.code).toBe(1);
    const good = parseSummary(
      JSON.parse(await readFile(join(out, "leaf one", "summary.json"), "utf8")),
    ) as ExplainedSummary;
    expect(good.integratedGradients.map((ig) => [ig.label, ig.rule, ig.evaluations])).toEqual([
      ["rust", "trapezoid", 4],
    ]);
    expect(good.activations.map((a) => a.layer)).toEqual(["conv1", "bn1"]);
  });

  it("names a bad option and shows the usage", async () => {
    const result = await cnnLens(
      "analyze",
      join(folder, "leaf one.png"),
      "--model",
      join(folder, "model"),
      "--method",
      "simpson",
      "--out",
      join(folder, "out-bad"),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/analysis options are invalid:\n {2}- rule: .*"gauss-legendre"/);
    const missing = await cnnLens("analyze", "--model", join(folder, "model"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/name at least one image or folder[\s\S]*usage: cnn-lens analyze/);
  });
});
