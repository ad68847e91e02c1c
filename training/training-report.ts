import type { Architecture } from "./architecture.js";
import type { FailureAnalysis } from "./failure-analysis.js";
import type { Evaluation } from "./metrics.js";
import type { EpochLog } from "./trainer.js";

/** One layer of the trained model, for the model card's table. */
export interface LayerRow {
  readonly name: string;
  readonly type: string;
  readonly outputShape: string;
  readonly params: number;
}

/** One generated split. */
export interface SplitRecord {
  readonly name: "train" | "validation" | "test";
  readonly seed: number;
  readonly count: number;
  /** Images per label (`healthy` included); an image with several labels counts once for each. */
  readonly labelCounts: Readonly<Record<string, number>>;
  /** Generation time, or null when the split was reused from an earlier run. */
  readonly seconds: number | null;
}

/** A bundled sample image and what the final model says about it. */
export interface SampleRecord {
  readonly file: string;
  /** The image it was copied from (held-out test split). */
  readonly source: string;
  readonly labels: string;
  readonly predicted: string;
  readonly correct: boolean;
  readonly scores: readonly number[];
}

/** Everything train.ts measured, written as `training-report.json` beside the model and used for the card. */
export interface TrainingReport {
  readonly name: string;
  readonly createdAt: string;
  readonly command: string;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly platform: string;
    readonly node: string;
    readonly tfjs: string;
    readonly backend: string;
    /** The 1-minute load average when training started and ended (other processes compete for the cores). */
    readonly loadAverage: readonly [number, number];
  };
  readonly architecture: Architecture;
  readonly layers: readonly LayerRow[];
  readonly parameters: number;
  readonly bundleBytes: number;
  readonly data: {
    readonly generator: string;
    readonly imageSize: number;
    readonly splits: readonly SplitRecord[];
  };
  readonly training: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly finalLearningRate: number;
    readonly seed: number;
    readonly modelSeed: number;
    readonly augment: boolean;
    /** Standard deviation of the Gaussian input noise (absent in reports from before it existed). */
    readonly inputNoise?: number;
    readonly threads: number;
    readonly log: readonly (EpochLog & { readonly validationMacroF1: number })[];
  };
  readonly labels: readonly string[];
  readonly thresholds: readonly {
    readonly label: string;
    readonly threshold: number;
    readonly validationF1: number;
  }[];
  readonly validation: Evaluation;
  readonly test: Evaluation;
  /** The test set at threshold 0.5 for every class, for comparison. */
  readonly testAtHalf: Evaluation;
  /** The test set's mistakes, counted and characterized. */
  readonly testFailures: FailureAnalysis;
  readonly samples: readonly SampleRecord[];
  /** Seconds per stage. */
  readonly timings: {
    readonly generate: number;
    readonly load: number;
    readonly train: number;
    readonly evaluate: number;
    readonly total: number;
  };
}
