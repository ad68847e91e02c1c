import { readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { parseArgs } from "node:util";
import { analysisOptions, type AnalysisOptions } from "../shared/analysis/analysis-options.js";
import { analyzeImage } from "../shared/analysis/analyze-image.js";
import { createExplainer, gradientsFor } from "../shared/analysis/explainer.js";
import { failedSummary } from "../shared/analysis/failed-summary.js";
import { writeAnalysisToFolder } from "../shared/analysis/write-analysis.js";
import { backendChoiceFrom, ENV, threadsFrom } from "../shared/config/environment.js";
import { BadInputError } from "../shared/errors.js";
import { initBackend } from "../shared/engine/backend.js";
import {
  BASELINE_KINDS,
  EXPLAINED_OUTPUTS,
  QUADRATURE_RULES,
  type BaselineKind,
  type ExplainedOutput,
  type QuadratureRule,
} from "../shared/schema/explanation-vocabulary.js";
import { bundleReader } from "../shared/model/bundle-reader.js";
import { loadModelBundle } from "../shared/model/model-bundle.js";
import type { Summary } from "../shared/schema/summary.js";
import { s3Client } from "../shared/storage/s3-client.js";
import { bundledModel } from "./bundled-model.js";
import { collectImageFiles } from "./image-files.js";
import { progressBar } from "./progress.js";
import { UsageError } from "./usage-error.js";
import { regionOr } from "../shared/storage/aws-connection.js";

export const ANALYZE_USAGE = `usage: cnn-lens analyze <images or folders…> [--model DIR] [options]

  --model DIR        model bundle folder (model.json, weights, lens.json) or s3://bucket/prefix
                     (default: the bundled model, models/default)
  --out DIR          where results go, one folder per image (default: out)
  --targets a,b      labels to explain (default: every predicted label, or the top one if none)
  --steps N|auto     integral steps (default from lens.json: auto)
  --method RULE      ${QUADRATURE_RULES.join(", ")}
  --baseline a,b     ${BASELINE_KINDS.join(", ")}; several are averaged
  --output KIND      ${EXPLAINED_OUTPUTS.join(" or ")} (default from lens.json: probability)
  --layers N|a,b     activation grids for the first N layers, or for the layers named
  --npy              also write raw attributions as float32 .npy
  --json             print the summaries as JSON on stdout`;

/** `cnn-lens analyze`: explains local images and writes `<out>/<image name>/summary.json` and the PNGs. */
export async function analyzeCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      model: { type: "string" },
      out: { type: "string", default: "out" },
      targets: { type: "string" },
      steps: { type: "string" },
      method: { type: "string" },
      baseline: { type: "string" },
      output: { type: "string" },
      layers: { type: "string" },
      npy: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError("name at least one image or folder");
  const model = values.model ?? bundledModel();
  if (!model)
    throw new UsageError(
      "--model is required: the folder of a model bundle (no bundled model at models/default)",
    );

  const runtime = await initBackend(backendChoiceFrom(process.env));
  const bundle = await loadModelBundle(
    bundleReader(model, () => s3Client({ region: regionOr(process.env[ENV.region]) })),
  );
  const explainer = createExplainer(bundle, runtime, gradientsFor(runtime, threadsFrom(process.env)));
  const options = analysisOptions(bundle.config, overridesFrom(values));
  const files = await collectImageFiles(positionals);
  if (files.length === 0) throw new UsageError(`no image files in ${positionals.join(", ")}`);

  const progress = progressBar(files.length);
  const summaries: Summary[] = [];
  const folders = uniqueFolderNames(files);
  let failures = 0;
  for (const [i, file] of files.entries()) {
    const folder = join(values.out, folders[i]);
    const source = { source: file };
    let summary: Summary;
    try {
      const analysis = await analyzeImage(explainer, await readFileOrBadInput(file), source, options);
      await writeAnalysisToFolder(folder, analysis.summary, analysis.artifacts);
      summary = analysis.summary;
    } catch (error) {
      summary = failedSummary(source, error, explainer);
      await writeAnalysisToFolder(folder, summary);
      failures++;
      console.error(`cnn-lens: ${file}: ${summary.error.message}`);
    }
    summaries.push(summary);
    progress.tick(file, summary.status === "explained");
  }
  await explainer.dispose();
  if (values.json) console.log(JSON.stringify(summaries, null, 2));
  console.error(`${files.length - failures} explained, ${failures} failed; results in ${values.out}/`);
  return failures > 0 ? 1 : 0;
}

function overridesFrom(values: Record<string, string | boolean | undefined>): Partial<AnalysisOptions> {
  const list = (value: string | boolean | undefined) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean)
      : undefined;
  const steps = values.steps;
  const layers = values.layers;
  return {
    targets: list(values.targets),
    steps: typeof steps === "string" ? (steps === "auto" ? "auto" : Number(steps)) : undefined,
    rule: values.method as QuadratureRule | undefined,
    baselines: list(values.baseline) as BaselineKind[] | undefined,
    output: values.output as ExplainedOutput | undefined,
    layers: typeof layers === "string" ? (/^\d+$/.test(layers) ? Number(layers) : list(layers)) : undefined,
    attributionsNpy: values.npy === true,
  };
}

/** One output folder per file, named for the file; clashing names get their parent folder's name too. */
function uniqueFolderNames(files: readonly string[]): string[] {
  const names = files.map((file) => basename(file, extname(file)));
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}-${count + 1}`;
  });
}

async function readFileOrBadInput(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new BadInputError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}
