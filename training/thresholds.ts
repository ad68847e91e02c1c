import { scores } from "./metrics.js";

/** The threshold tuned for one class, and the F1 it reaches on the tuning data. */
export interface TunedThreshold {
  readonly threshold: number;
  readonly f1: number;
}

/**
 * The threshold that maximizes one class's F1 on validation scores, as the seed notebook tuned its thresholds.
 * Every cut between two adjacent distinct scores is tried; the threshold is placed midway between the lowest
 * score predicted positive and the highest predicted negative (so a class is predicted when score ≥ threshold).
 * Among cuts with the same F1 the highest threshold wins. With no positive example, F1 is 0 at every cut and
 * `fallback` is returned.
 */
export function tuneThreshold(
  classScores: ArrayLike<number>,
  actual: ArrayLike<number>,
  fallback = 0.5,
): TunedThreshold {
  const n = classScores.length;
  if (actual.length !== n) throw new RangeError(`${n} scores but ${actual.length} truths`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => classScores[b] - classScores[a]);
  const positives = order.reduce((sum, i) => sum + (actual[i] >= 0.5 ? 1 : 0), 0);
  if (positives === 0) return { threshold: fallback, f1: 0 };
  let best: TunedThreshold = { threshold: fallback, f1: -1 };
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (actual[i] >= 0.5) tp++;
    else fp++;
    const score = classScores[i];
    const nextScore = k + 1 < n ? classScores[order[k + 1]] : 0;
    if (k + 1 < n && nextScore === score) continue; // ties are predicted together
    const { f1 } = scores(tp, fp, positives - tp);
    if (f1 > best.f1) best = { threshold: (score + Math.min(nextScore, score)) / 2, f1 };
  }
  return best;
}

/** One tuned threshold per class; `scoreRows[i][j]` is image i's score for class j. */
export function tuneThresholds(
  classCount: number,
  scoreRows: readonly ArrayLike<number>[],
  targetRows: readonly ArrayLike<number>[],
): TunedThreshold[] {
  return Array.from({ length: classCount }, (_, j) =>
    tuneThreshold(
      scoreRows.map((row) => row[j]),
      targetRows.map((row) => row[j]),
    ),
  );
}
