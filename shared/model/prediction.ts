import { BadInputError } from "../errors.js";
import { thresholdsOf, type LensConfig } from "./lens-config.js";

/** One class's score and whether it counts as predicted. */
export interface ClassPrediction {
  readonly label: string;
  readonly index: number;
  readonly score: number;
  /** Multi-label: the class's threshold. Single-label: absent. */
  readonly threshold?: number;
  readonly predicted: boolean;
}

/** The model's decision for one image. */
export interface Decision {
  /** Every class, in label order. */
  readonly classes: readonly ClassPrediction[];
  /** The predicted labels, or `[noLabel]` when a multi-label model predicts none. */
  readonly labels: readonly string[];
  /** Single-label: the top-k classes by score. Multi-label: every class by score. */
  readonly ranked: readonly ClassPrediction[];
}

/**
 * Reads the model's outputs as the seed notebook meant them. Multi-label outputs are already sigmoid
 * probabilities (no softmax on top): a class is predicted when its score reaches its threshold, and none
 * predicted means `noLabel`. Single-label outputs are softmax probabilities: the top class is predicted.
 */
export function decide(scores: ArrayLike<number>, config: LensConfig): Decision {
  if (scores.length !== config.labels.length) {
    throw new RangeError(`expected ${config.labels.length} scores, one per label, got ${scores.length}`);
  }
  const byScore = (a: ClassPrediction, b: ClassPrediction) => b.score - a.score || a.index - b.index;
  if (config.task === "multi-label") {
    const thresholds = thresholdsOf(config);
    const classes = config.labels.map((label, index) => ({
      label,
      index,
      score: scores[index],
      threshold: thresholds[index],
      predicted: scores[index] >= thresholds[index],
    }));
    const predicted = classes.filter((c) => c.predicted).map((c) => c.label);
    return {
      classes,
      labels: predicted.length > 0 ? predicted : [config.noLabel],
      ranked: [...classes].sort(byScore),
    };
  }
  const top = config.labels
    .map((label, index) => ({ label, index, score: scores[index] }))
    .sort((a, b) => b.score - a.score || a.index - b.index)[0];
  const classes = config.labels.map((label, index) => ({
    label,
    index,
    score: scores[index],
    predicted: index === top.index,
  }));
  return { classes, labels: [top.label], ranked: [...classes].sort(byScore).slice(0, config.topK) };
}

/**
 * The classes to explain by default: every predicted class, or the top-scoring class when none is predicted.
 */
export function defaultTargets(decision: Decision): number[] {
  const predicted = decision.classes.filter((c) => c.predicted).map((c) => c.index);
  return predicted.length > 0 ? predicted : [decision.ranked[0].index];
}

/** Class indices for explicitly named targets; an unknown name is bad input that lists the known ones. */
export function targetsByName(names: readonly string[], config: LensConfig): number[] {
  const unknown = names.filter((name) => !config.labels.includes(name));
  if (unknown.length > 0) {
    throw new BadInputError(
      `unknown target ${unknown.map((n) => JSON.stringify(n)).join(", ")}; the model's labels are ${config.labels.join(", ")}`,
    );
  }
  return [...new Set(names.map((name) => config.labels.indexOf(name)))];
}
