/** Counts and scores of one class. */
export interface ClassMetrics {
  readonly label: string;
  /** Images that have the label. */
  readonly support: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** TP / (TP + FP); 0 when nothing is predicted (scikit-learn's `zero_division=0`). */
  readonly precision: number;
  /** TP / (TP + FN); 0 when no image has the label. */
  readonly recall: number;
  /** 2PR / (P + R); 0 when P + R = 0. */
  readonly f1: number;
}

/** A multi-label evaluation. */
export interface Evaluation {
  readonly classes: readonly ClassMetrics[];
  /** The unweighted mean of the classes' F1. */
  readonly macroF1: number;
  /** Images whose whole label set is right (healthy = none predicted and none true). */
  readonly exactMatch: number;
  readonly count: number;
}

/** Precision, recall and F1 from counts. */
export function scores(
  tp: number,
  fp: number,
  fn: number,
): { precision: number; recall: number; f1: number } {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** One class's metrics from predictions and truths (truthy = has the label). */
export function classMetrics(
  label: string,
  predicted: readonly boolean[],
  actual: readonly boolean[],
): ClassMetrics {
  if (predicted.length !== actual.length) {
    throw new RangeError(`${predicted.length} predictions but ${actual.length} truths`);
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i] && actual[i]) tp++;
    else if (predicted[i]) fp++;
    else if (actual[i]) fn++;
  }
  return {
    label,
    support: tp + fn,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    ...scores(tp, fp, fn),
  };
}

/**
 * Evaluates multi-label scores against 0/1 targets: class j is predicted when its score reaches `thresholds[j]`
 * (as cnn-lens decides), and each class gets precision, recall and F1.
 */
export function evaluate(
  labels: readonly string[],
  scoreRows: readonly ArrayLike<number>[],
  targetRows: readonly ArrayLike<number>[],
  thresholds: readonly number[],
): Evaluation {
  if (scoreRows.length !== targetRows.length) {
    throw new RangeError(`${scoreRows.length} score rows but ${targetRows.length} target rows`);
  }
  if (thresholds.length !== labels.length) {
    throw new RangeError(`${thresholds.length} thresholds for ${labels.length} labels`);
  }
  const predicted = scoreRows.map((row) => labels.map((_, j) => row[j] >= thresholds[j]));
  const actual = targetRows.map((row) => labels.map((_, j) => row[j] >= 0.5));
  const classes = labels.map((label, j) =>
    classMetrics(
      label,
      predicted.map((p) => p[j]),
      actual.map((a) => a[j]),
    ),
  );
  const exact = predicted.filter((p, i) => p.every((value, j) => value === actual[i][j])).length;
  return {
    classes,
    macroF1: classes.reduce((sum, c) => sum + c.f1, 0) / Math.max(1, classes.length),
    exactMatch: scoreRows.length === 0 ? 0 : exact / scoreRows.length,
    count: scoreRows.length,
  };
}
