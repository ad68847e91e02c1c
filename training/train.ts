import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, platform, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { generateDataset } from "../dataset/generate.js";
import { initBackend } from "../shared/engine/backend.js";
import { decide } from "../shared/model/prediction.js";
import { decodeImage } from "../shared/image/decode-image.js";
import { localBundleReader } from "../shared/model/bundle-reader.js";
import type { LensConfigInput } from "../shared/model/lens-config.js";
import { loadModelBundle } from "../shared/model/model-bundle.js";
import { saveModelBundle } from "../shared/model/save-model-bundle.js";
import {
  buildModel,
  DEFAULT_ARCHITECTURE,
  INPUT_SCALE,
  servingCopy,
  type Architecture,
} from "./architecture.js";
import { loadSplit, type ImageSet } from "./dataset-loader.js";
import { analyzeFailures } from "./failure-analysis.js";
import { labelText, LABELS, multiHot, NO_LABEL, sameLabels } from "./labels.js";
import { evaluate } from "./metrics.js";
import { writeModelCard } from "./model-card.js";
import { chooseSamples, SAMPLE_KINDS } from "./samples.js";
import { tuneThresholds } from "./thresholds.js";
import { predictScores, trainModel, type EpochLog } from "./trainer.js";
import type { LayerRow, SampleRecord, SplitRecord, TrainingReport } from "./training-report.js";

/** The bundled model's name (lens.json `name`). */
export const MODEL_NAME = "apple-leaf-synthetic-cnn";

/** Everything a run depends on. */
export interface TrainConfig {
  /** Where the splits go; a temporary folder (deleted afterwards) when absent. */
  readonly data?: string;
  readonly keepData: boolean;
  readonly out: string;
  readonly samples: string;
  readonly counts: { readonly train: number; readonly validation: number; readonly test: number };
  /** One generator seed per split, so that the splits share no image. */
  readonly seeds: { readonly train: number; readonly validation: number; readonly test: number };
  readonly modelSeed: number;
  readonly trainingSeed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly finalLearningRate: number;
  /** Standard deviation of the Gaussian noise added to training inputs (model-input units; 0 for none). */
  readonly inputNoise: number;
  readonly threads: number;
  readonly generatorThreads: number;
  readonly architecture: Architecture;
}

export const DEFAULT_CONFIG: TrainConfig = {
  keepData: false,
  out: "models/default",
  samples: "samples",
  counts: { train: 5000, validation: 1000, test: 1000 },
  seeds: { train: 1001, validation: 2002, test: 3003 },
  modelSeed: 42,
  trainingSeed: 7,
  epochs: 12,
  batchSize: 32,
  learningRate: 2e-3,
  finalLearningRate: 1e-4,
  inputNoise: 0.1,
  threads: availableParallelism(),
  generatorThreads: Math.min(4, availableParallelism()),
  architecture: DEFAULT_ARCHITECTURE,
};

const SPLITS = ["train", "validation", "test"] as const;
const log = (message: string) => console.log(`[train] ${message}`);
const seconds = (since: number) => (performance.now() - since) / 1000;

/** Generates (or reuses) the splits, trains, tunes, evaluates, and writes the bundle, its card and the samples. */
export async function train(config: TrainConfig, command: string): Promise<TrainingReport> {
  const started = performance.now();
  const loadAtStart = loadavg()[0];
  const runtime = await initBackend("wasm");
  const data = config.data ? resolve(config.data) : await mkdtemp(join(tmpdir(), "cnn-lens-training-"));
  const size = config.architecture.size;
  try {
    // 1. Data.
    let t = performance.now();
    const splits: SplitRecord[] = [];
    for (const name of SPLITS) splits.push(await ensureSplit(data, name, config));
    const generateSeconds = seconds(t);
    t = performance.now();
    const [trainSet, validationSet, testSet] = await Promise.all(
      SPLITS.map((name) => loadSplit(data, size, { csvName: `${name}.csv` })),
    );
    const loadSeconds = seconds(t);
    log(
      `decoded ${trainSet.rows.length}/${validationSet.rows.length}/${testSet.rows.length} images in ${loadSeconds.toFixed(1)} s`,
    );

    // 2. Training.
    t = performance.now();
    const model = buildModel(config.architecture, { seed: config.modelSeed, variant: "training" });
    log(
      `${model.countParams()} parameters; training ${config.epochs} epochs on ${config.threads || 1} thread(s)`,
    );
    const epochs: (EpochLog & { validationMacroF1: number })[] = [];
    await trainModel(model, config.architecture, trainSet, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      finalLearningRate: config.finalLearningRate,
      seed: config.trainingSeed,
      augment: true,
      inputNoise: config.inputNoise,
      threads: config.threads,
      progressEvery: 25,
      onBatch: (epoch, batch, total, ms) =>
        process.stderr.write(`[train] epoch ${epoch} batch ${batch}/${total} ${ms.toFixed(0)} ms/batch\n`),
      onEpoch: async (epochLog) => {
        const scores = await predictScores(model, validationSet);
        const validationMacroF1 = evaluate(
          LABELS,
          scores,
          targetRows(validationSet),
          LABELS.map(() => 0.5),
        ).macroF1;
        epochs.push({ ...epochLog, validationMacroF1 });
        log(
          `epoch ${epochLog.epoch}/${config.epochs}: loss ${epochLog.loss.toFixed(4)}, validation macro-F1 at 0.5 ` +
            `${validationMacroF1.toFixed(3)}, ${epochLog.seconds.toFixed(1)} s (${epochLog.msPerBatch.toFixed(0)} ms/batch)`,
        );
      },
    });
    const trainSeconds = seconds(t);

    // 3. Thresholds, evaluation, bundle.
    t = performance.now();
    const serving = servingCopy(model, config.architecture);
    model.dispose();
    const validationScores = await predictScores(serving, validationSet);
    const tuned = tuneThresholds(LABELS.length, validationScores, targetRows(validationSet));
    const thresholds = tuned.map((x) => Math.round(x.threshold * 1e4) / 1e4);
    const testScores = await predictScores(serving, testSet);
    const test = evaluate(LABELS, testScores, targetRows(testSet), thresholds);
    log(`thresholds ${thresholds.join(", ")}; test macro-F1 ${test.macroF1.toFixed(3)}`);
    await saveModelBundle(serving, lensJson(config.architecture, thresholds), config.out);
    const samples = await writeSamples(config, data, testSet, testScores, thresholds);
    const layers: LayerRow[] = serving.layers.map((layer) => ({
      name: layer.name,
      type: layer.getClassName(),
      outputShape: `${JSON.stringify((layer.outputShape as (number | null)[]).slice(1))}`,
      params: layer.countParams(),
    }));
    const report: TrainingReport = {
      name: MODEL_NAME,
      createdAt: new Date().toISOString(),
      command,
      machine: {
        cpu: cpus()[0]?.model ?? "unknown CPU",
        cores: availableParallelism(),
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        platform: `${platform()} ${process.arch}`,
        node: process.versions.node,
        tfjs: tf.version.tfjs,
        backend: runtime.backend,
        loadAverage: [loadAtStart, loadavg()[0]],
      },
      architecture: config.architecture,
      layers,
      parameters: serving.countParams(),
      bundleBytes: await bundleBytes(config.out),
      data: { generator: "dataset/generate.ts", imageSize: 256, splits },
      training: {
        epochs: config.epochs,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        finalLearningRate: config.finalLearningRate,
        seed: config.trainingSeed,
        modelSeed: config.modelSeed,
        augment: true,
        inputNoise: config.inputNoise,
        threads: config.threads,
        log: epochs,
      },
      labels: LABELS,
      thresholds: LABELS.map((label, i) => ({ label, threshold: thresholds[i], validationF1: tuned[i].f1 })),
      validation: evaluate(LABELS, validationScores, targetRows(validationSet), thresholds),
      test,
      testAtHalf: evaluate(
        LABELS,
        testScores,
        targetRows(testSet),
        LABELS.map(() => 0.5),
      ),
      testFailures: await analyzeFailures(data, testSet, testScores, thresholds),
      samples,
      timings: {
        generate: generateSeconds,
        load: loadSeconds,
        train: trainSeconds,
        evaluate: seconds(t),
        total: seconds(started),
      },
    };
    await writeFile(join(config.out, "training-report.json"), `${JSON.stringify(report, null, 2)}\n`);
    await writeModelCard(config.out, report);
    serving.dispose();
    return report;
  } finally {
    if (!config.data && !config.keepData) await rm(data, { recursive: true, force: true });
  }
}

/** Generates one split into `data`, or reuses it when an earlier run left it there with the same seed and size. */
async function ensureSplit(
  data: string,
  name: (typeof SPLITS)[number],
  config: TrainConfig,
): Promise<SplitRecord> {
  const seed = config.seeds[name];
  const count = config.counts[name];
  const stamp = join(data, `${name}.json`);
  const wanted = { seed, count, size: 256 };
  const previous = await readFile(stamp, "utf8").then(
    (text) => JSON.parse(text) as typeof wanted & { labelCounts: Record<string, number> },
    () => undefined,
  );
  if (previous && previous.seed === seed && previous.count === count && previous.size === 256) {
    log(`${name}: reusing ${count} images (seed ${seed}) in ${data}`);
    return { name, seed, count, labelCounts: previous.labelCounts, seconds: null };
  }
  const t = performance.now();
  const summary = await generateDataset({
    out: data,
    count,
    seed,
    size: 256,
    splitName: name,
    threads: config.generatorThreads,
  });
  const elapsed = seconds(t);
  await writeFile(stamp, `${JSON.stringify({ ...wanted, labelCounts: summary.labelCounts })}\n`);
  log(`${name}: generated ${count} images (seed ${seed}) in ${elapsed.toFixed(1)} s`);
  return { name, seed, count, labelCounts: summary.labelCounts, seconds: elapsed };
}

/** lens.json for the trained model. */
export function lensJson(architecture: Architecture, thresholds: readonly number[]): LensConfigInput {
  return {
    schemaVersion: 1,
    name: MODEL_NAME,
    labels: [...LABELS],
    task: "multi-label",
    thresholds: [...thresholds],
    noLabel: NO_LABEL,
    input: {
      width: architecture.size,
      height: architecture.size,
      channels: 3,
      scale: INPUT_SCALE,
      offset: 0,
    },
    // A blurred copy of the leaf keeps its shape and colour but not lesion-sized detail, so IG attributes what
    // the blur removes; black (the seed's) also credits the leaf's mere presence. See evaluation/README.md.
    integratedGradients: { baselines: ["blur"], blurSigma: architecture.size / 32 },
    activations: { layers: architecture.filters.map((_, i) => `conv${i + 1}`) },
  };
}

function targetRows(set: ImageSet): Float32Array[] {
  return set.rows.map((_, i) => set.targets.subarray(i * LABELS.length, (i + 1) * LABELS.length));
}

function predictedText(scores: ArrayLike<number>, thresholds: readonly number[]): string {
  return labelText(LABELS.map((_, j) => (scores[j] >= thresholds[j] ? 1 : 0)));
}

/**
 * Copies two test images of each kind into the samples folder with `labels.csv`, then checks each one through
 * the saved bundle exactly as cnn-lens runs it (decode, resize, scale, predict, decide).
 */
async function writeSamples(
  config: TrainConfig,
  data: string,
  testSet: ImageSet,
  testScores: readonly Float32Array[],
  thresholds: readonly number[],
): Promise<SampleRecord[]> {
  const chosen = chooseSamples(
    testSet.rows.map((row, i) => ({ ...row, predicted: predictedText(testScores[i], thresholds) })),
    2,
  );
  await mkdir(config.samples, { recursive: true });
  for (const file of await readdir(config.samples)) {
    if (file.endsWith(".jpg") || file === "labels.csv") await rm(join(config.samples, file));
  }
  const bundle = await loadModelBundle(localBundleReader(config.out));
  const { width, height, channels } = bundle.config.input;
  const records: SampleRecord[] = [];
  for (const sample of chosen) {
    await copyFile(join(data, "images", sample.image), join(config.samples, sample.file));
    const decoded = await decodeImage(await readFile(join(config.samples, sample.file)), {
      width,
      height,
      channels,
    });
    const input = decoded.pixels.map((p) => p * bundle.config.input.scale + bundle.config.input.offset);
    const output = tf.tidy(
      () => bundle.model.predict(tf.tensor4d(input, [1, height, width, channels])) as tf.Tensor,
    );
    const scores = Array.from(await output.data());
    output.dispose();
    const predicted = labelText(multiHot(decide(scores, bundle.config).labels.join(" ")));
    records.push({
      file: sample.file,
      source: sample.image,
      labels: sample.labels,
      predicted,
      correct: sameLabels(predicted, sample.labels),
      scores: scores.map((s) => Math.round(s * 1e4) / 1e4),
    });
  }
  bundle.model.dispose();
  await writeFile(
    join(config.samples, "labels.csv"),
    ["image,labels", ...records.map((r) => `${r.file},${r.labels}`)].join("\n") + "\n",
  );
  log(
    `samples: ${records.length} images of ${SAMPLE_KINDS.join(", ")}; ` +
      `${records.filter((r) => !r.correct).length} misclassified`,
  );
  return records;
}

async function bundleBytes(folder: string): Promise<number> {
  let total = 0;
  for (const file of ["model.json", "weights.bin", "lens.json"])
    total += (await stat(join(folder, file))).size;
  return total;
}

const USAGE = `usage: tsx training/train.ts [options]
  --data DIR            keep the generated splits in DIR and reuse them on the next run (default: a temp folder)
  --out DIR             the bundle folder (default models/default)
  --samples DIR         where the sample images go (default samples)
  --train N --validation N --test N   images per split (default 5000, 1000, 1000)
  --epochs N            (default 12)
  --threads N           training threads, 0 = this thread (default: one per core)
  --keep-data           keep the temporary data folder`;

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      data: { type: "string" },
      out: { type: "string" },
      samples: { type: "string" },
      train: { type: "string" },
      validation: { type: "string" },
      test: { type: "string" },
      epochs: { type: "string" },
      threads: { type: "string" },
      "keep-data": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const integer = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
    return Number(text);
  };
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    data: values.data,
    keepData: values["keep-data"],
    out: values.out ?? DEFAULT_CONFIG.out,
    samples: values.samples ?? DEFAULT_CONFIG.samples,
    counts: {
      train: integer("train", values.train, DEFAULT_CONFIG.counts.train),
      validation: integer("validation", values.validation, DEFAULT_CONFIG.counts.validation),
      test: integer("test", values.test, DEFAULT_CONFIG.counts.test),
    },
    epochs: integer("epochs", values.epochs, DEFAULT_CONFIG.epochs),
    threads: integer("threads", values.threads, DEFAULT_CONFIG.threads),
  };
  const report = await train(config, ["tsx training/train.ts", ...argv].join(" "));
  const { test, timings } = report;
  log(
    `done in ${(timings.total / 60).toFixed(1)} min (generate ${timings.generate.toFixed(0)} s, train ${timings.train.toFixed(0)} s); ` +
      `test macro-F1 ${test.macroF1.toFixed(3)} [${test.classes.map((c) => `${c.label} ${c.f1.toFixed(3)}`).join(", ")}]; ` +
      `bundle ${(report.bundleBytes / 1024).toFixed(0)} KiB in ${config.out}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
}
