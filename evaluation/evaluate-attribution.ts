import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { UsageError } from "../cli/usage-error.js";
import { analysisOptions } from "../shared/analysis/analysis-options.js";
import { createExplainer, gradientsFor, type Explainer } from "../shared/analysis/explainer.js";
import { backendChoiceFrom, ENV, threadsFrom } from "../shared/config/environment.js";
import { initBackend } from "../shared/engine/backend.js";
import {
  BASELINE_KINDS,
  EXPLAINED_OUTPUTS,
  type BaselineKind,
  type ExplainedOutput,
} from "../shared/schema/explanation-vocabulary.js";
import { localBundleReader } from "../shared/model/bundle-reader.js";
import { loadModelBundle } from "../shared/model/model-bundle.js";
import { evaluateSample, type SampleEvaluation } from "./attribution-quality.js";
import { generateHeldOut, HELD_OUT_SEED, loadSample, readHeldOut } from "./held-out-set.js";
import { checkTargets, summarize, type QualitySummary, type TargetCheck } from "./quality-summary.js";
import { qualityReport } from "./quality-table.js";
import { randomizedBundle } from "./randomize-model.js";

/**
 * `npm run eval:attribution`: how well the bundled model's Integrated Gradients and Grad-CAM maps point at the
 * lesions of held-out synthetic leaves, and whether they survive model randomization. See `USAGE`.
 */

/** What to evaluate. */
export interface AttributionEvaluationOptions {
  /** The model bundle folder. */
  readonly model: string;
  /** Held-out images with lesions. */
  readonly count: number;
  /** Seed of the generated held-out split. */
  readonly seed: number;
  /** Evaluate an existing split instead of generating one: its folder and CSV name. */
  readonly data?: { readonly dir: string; readonly csv: string };
  /** Side of generated images, in pixels. @default 256 */
  readonly imageSize?: number;
  /** IG steps; by default the lens.json default. */
  readonly steps?: number | "auto";
  /** IG baselines; by default lens.json's. */
  readonly baselines?: readonly BaselineKind[];
  /** The explained output; by default lens.json's. */
  readonly output?: ExplainedOutput;
  /** Dilation of lesion masks at input scale, pixels. */
  readonly dilation: number;
  /** Model randomization: the seed and the layers (`all` or the top N); `false` skips the sanity check. */
  readonly randomization: false | { readonly seed: number; readonly layers: "all" | number };
  /** Gradient threads (0 or 1: in this thread). */
  readonly threads: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Everything measured. */
export interface AttributionEvaluation {
  readonly model: { readonly id: string; readonly hash: string; readonly location: string };
  readonly backend: string;
  readonly heldOut: { readonly source: string; readonly seed?: number; readonly images: number };
  readonly steps: number | "auto";
  readonly rule: string;
  readonly output: string;
  readonly baselines: readonly string[];
  /** With a blur baseline: its standard deviation in model-input pixels. */
  readonly blurSigma?: number;
  readonly dilation: number;
  readonly randomization: string | undefined;
  /** Images where the model predicted none of their true labels (nothing to measure). */
  readonly imagesWithoutPredictedTrueLabel: number;
  readonly summary: QualitySummary;
  readonly targets: readonly TargetCheck[];
  readonly samples: readonly SampleEvaluation[];
  readonly seconds: { readonly data: number; readonly evaluation: number };
}

/** Runs the evaluation. */
export async function evaluateAttribution(
  options: AttributionEvaluationOptions,
): Promise<AttributionEvaluation> {
  const log = options.log ?? (() => undefined);
  const runtime = await initBackend(backendChoiceFrom(process.env));
  const bundle = await loadModelBundle(localBundleReader(options.model));
  const analysis = analysisOptions(bundle.config, {
    steps: options.steps,
    baselines: options.baselines,
    output: options.output,
  });
  const gradients = gradientsFor(runtime, options.threads);
  const explainers: Explainer[] = [createExplainer(bundle, runtime, gradients)];
  let randomization: string | undefined;
  if (options.randomization) {
    const { seed, layers } = options.randomization;
    explainers.push(createExplainer(await randomizedBundle(bundle, { seed, layers }), runtime, gradients));
    randomization = `${layers === "all" ? "all layers" : `top ${layers} layers`} re-initialized, seed ${seed}`;
  }
  const [trained, randomized] = explainers;

  const generatedDir = options.data ? undefined : await mkdtemp(join(tmpdir(), "cnn-lens-heldout-"));
  try {
    let clock = performance.now();
    const dir = options.data?.dir ?? (generatedDir as string);
    if (!options.data)
      log(`generating ${options.count} held-out images with lesions (seed ${options.seed}) …`);
    const rows = options.data
      ? await readHeldOut(options.data.dir, options.data.csv, options.count)
      : await generateHeldOut({ dir, count: options.count, seed: options.seed, size: options.imageSize });
    const dataSeconds = (performance.now() - clock) / 1000;
    log(`${rows.length} images ready in ${dataSeconds.toFixed(1)} s; evaluating on ${runtime.backend}`);

    clock = performance.now();
    const samples: SampleEvaluation[] = [];
    for (const [i, row] of rows.entries()) {
      const started = performance.now();
      const sample = await loadSample(dir, row);
      const result = await evaluateSample({ trained, randomized }, sample, {
        analysis,
        dilation: options.dilation,
      });
      samples.push(result);
      const measured = result.measures.map((m) => m.label).join(",") || "nothing";
      log(
        `[${i + 1}/${rows.length}] ${row.image} ${sample.labels.join(",")} → predicted ${result.predicted.join(",")}; ` +
          `measured ${measured} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    const measures = samples.flatMap((s) => s.measures);
    const summary = summarize(measures, bundle.config.labels);
    return {
      model: { id: bundle.id, hash: bundle.hash, location: bundle.location },
      backend: runtime.backend,
      heldOut: options.data
        ? { source: join(options.data.dir, options.data.csv), images: rows.length }
        : { source: "generated", seed: options.seed, images: rows.length },
      steps: analysis.steps,
      rule: analysis.rule,
      output: analysis.output,
      baselines: analysis.baselines,
      ...(analysis.baselines.includes("blur") ? { blurSigma: analysis.blurSigma } : {}),
      dilation: options.dilation,
      randomization,
      imagesWithoutPredictedTrueLabel: samples.filter((s) => s.measures.length === 0).length,
      summary,
      targets: checkTargets(summary.overall),
      samples,
      seconds: { data: dataSeconds, evaluation: (performance.now() - clock) / 1000 },
    };
  } finally {
    for (const explainer of explainers) await explainer.dispose();
    if (generatedDir) await rm(generatedDir, { recursive: true, force: true });
  }
}

/** The printed report: the setting, the table and the targets. */
export function formatEvaluation(result: AttributionEvaluation): string {
  const setting =
    `model ${result.model.id} (${result.model.location}), ${result.backend}; ${result.heldOut.images} held-out images with lesions ` +
    `(${result.heldOut.seed === undefined ? result.heldOut.source : `generated, seed ${result.heldOut.seed}`}), ` +
    `${result.summary.overall.n} (image, predicted true label) pairs, ${result.imagesWithoutPredictedTrueLabel} images with none; ` +
    `IG ${result.rule}, steps ${result.steps}, baseline ${result.baselines.join("+")}${result.blurSigma === undefined ? "" : ` (blur σ ${result.blurSigma} px)`}, output ${result.output}; ` +
    `masks dilated ${result.dilation} px at input scale`;
  const time = `took ${result.seconds.data.toFixed(0)} s for data, ${result.seconds.evaluation.toFixed(0)} s to evaluate`;
  return [setting, "", qualityReport(result.summary, { randomized: result.randomization }), time].join("\n");
}

const USAGE = `usage: tsx evaluation/evaluate-attribution.ts [options]
  --model DIR          model bundle (default models/default)
  --count N            held-out images with lesions (default 150)
  --seed S             seed of the generated held-out split (default ${HELD_OUT_SEED}; training uses 1001, 2002, 3003)
  --data DIR           evaluate an existing generated split in DIR instead (with --csv NAME, default val.csv)
  --steps N|auto       Integrated Gradients steps (default: lens.json's)
  --baselines K[,K]    IG baselines: ${BASELINE_KINDS.join(", ")} (default: lens.json's)
  --output O           explained output: ${EXPLAINED_OUTPUTS.join(" or ")} (default: lens.json's)
  --dilation PX        lesion masks grow by this many pixels at input scale (default 2)
  --randomize all|N    re-initialize all layers (default) or the top N layers with weights; 'none' skips the check
  --random-seed S      seed of the randomized weights (default 1)
  --threads T          gradient threads (default: CNN_LENS_THREADS, else 1: on two busy cores the main thread
                       was twice as fast as two gradient threads)
  --json               print the results as JSON instead of the table
  --strict             exit with code 1 when a target is missed`;

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      model: { type: "string", default: "models/default" },
      count: { type: "string", default: "150" },
      seed: { type: "string", default: String(HELD_OUT_SEED) },
      data: { type: "string" },
      csv: { type: "string", default: "val.csv" },
      steps: { type: "string" },
      baselines: { type: "string" },
      output: { type: "string" },
      dilation: { type: "string", default: "2" },
      randomize: { type: "string", default: "all" },
      "random-seed": { type: "string", default: "1" },
      threads: { type: "string" },
      json: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const whole = (name: string, text: string, min = 0) => {
    if (!/^\d+$/.test(text) || Number(text) < min)
      throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
    return Number(text);
  };
  const randomize = values.randomize;
  const result = await evaluateAttribution({
    model: resolve(values.model),
    count: whole("count", values.count, 1),
    seed: whole("seed", values.seed),
    ...(values.data ? { data: { dir: resolve(values.data), csv: values.csv } } : {}),
    steps:
      values.steps === undefined
        ? undefined
        : values.steps === "auto"
          ? "auto"
          : whole("steps", values.steps, 1),
    baselines: values.baselines?.split(",").map((kind) => kind.trim()) as BaselineKind[] | undefined,
    output: values.output as ExplainedOutput | undefined,
    dilation: whole("dilation", values.dilation),
    randomization:
      randomize === "none"
        ? false
        : {
            seed: whole("random-seed", values["random-seed"]),
            layers: randomize === "all" ? "all" : whole("randomize", randomize, 1),
          },
    threads:
      values.threads !== undefined
        ? whole("threads", values.threads)
        : process.env[ENV.threads] !== undefined
          ? threadsFrom(process.env)
          : 1,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(
    values.json
      ? JSON.stringify(
          result,
          (_, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? null : value),
          2,
        )
      : formatEvaluation(result),
  );
  if (values.strict && result.targets.some((t) => !t.meets)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`eval:attribution: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
