import { z } from "zod";
import type { IndexRecord } from "./index-record.js";
import { addValue, combineHistograms, emptyHistogram, LogHistogramSchema } from "./log-histogram.js";

const countMap = z.record(z.string(), z.number().int().nonnegative());
const count = z.number().int().nonnegative();

/** Counts over a set of records: what `cnn-lens status` shows (and all that manifest schema v1 kept). */
export const CountsSchema = z.object({
  records: count,
  byStatus: countMap,
  byPredictedLabel: countMap,
  byModel: countMap,
});
export type Counts = z.infer<typeof CountsSchema>;

/** One class's confusion against the ground truth, one-vs-rest; its true negatives are `labelled` less these. */
export const ConfusionCountsSchema = z.object({
  truePositives: count,
  falseNegatives: count,
  falsePositives: count,
});
export type ConfusionCounts = z.infer<typeof ConfusionCountsSchema>;

/**
 * Everything the index sums over records: the counts, and what the report's summary plots need. Every field is a
 * sum over records, so the totals of a set of shards are the sum of their totals, and replacing a shard's records
 * is subtracting its old totals and adding its new ones, exactly.
 */
export const TotalsSchema = CountsSchema.extend({
  byActualLabel: countMap,
  /** Records whose predicted labels differ from the actual ones. */
  misclassified: count,
  /** Explained records with ground truth: the images that `confusion` is counted over. */
  labelled: count,
  /** Per class seen among the labelled records (as an actual or a predicted label). */
  confusion: z.record(z.string(), ConfusionCountsSchema),
  /** The largest IG completeness error of each explained image. */
  completenessError: LogHistogramSchema,
  /** The processing time of each explained image, in ms. */
  processingMs: LogHistogramSchema,
});
export type Totals = z.infer<typeof TotalsSchema>;

/** The totals of no records. */
export function emptyTotals(): Totals {
  return {
    records: 0,
    byStatus: {},
    byPredictedLabel: {},
    byModel: {},
    byActualLabel: {},
    misclassified: 0,
    labelled: 0,
    confusion: {},
    completenessError: emptyHistogram(),
    processingMs: emptyHistogram(),
  };
}

/** The totals of `records`. */
export function totalsOf(records: Iterable<IndexRecord>): Totals {
  const totals = emptyTotals();
  for (const record of records) addRecord(totals, record);
  return totals;
}

/** `a + sign · b`, field by field; entries that come to 0 are dropped, so equal totals compare equal. */
export function combineTotals(a: Totals, b: Totals, sign: 1 | -1 = 1): Totals {
  return {
    records: a.records + sign * b.records,
    misclassified: a.misclassified + sign * b.misclassified,
    labelled: a.labelled + sign * b.labelled,
    byStatus: combineMaps(a.byStatus, b.byStatus, sign),
    byPredictedLabel: combineMaps(a.byPredictedLabel, b.byPredictedLabel, sign),
    byModel: combineMaps(a.byModel, b.byModel, sign),
    byActualLabel: combineMaps(a.byActualLabel, b.byActualLabel, sign),
    confusion: combineConfusion(a.confusion, b.confusion, sign),
    completenessError: combineHistograms(a.completenessError, b.completenessError, sign),
    processingMs: combineHistograms(a.processingMs, b.processingMs, sign),
  };
}

/** The counts part of totals. */
export function countsOf(totals: Totals): Counts {
  const { records, byStatus, byPredictedLabel, byModel } = totals;
  return { records, byStatus, byPredictedLabel, byModel };
}

function addRecord(totals: Totals, record: IndexRecord): void {
  totals.records++;
  increment(totals.byStatus, record.status);
  for (const label of record.predictedLabels) increment(totals.byPredictedLabel, label);
  if (record.modelId) increment(totals.byModel, record.modelId);
  for (const label of record.actualLabels ?? []) increment(totals.byActualLabel, label);
  if (record.misclassified === true) totals.misclassified++;
  if (record.status !== "explained") return;
  if (record.maxCompletenessError !== null) addValue(totals.completenessError, record.maxCompletenessError);
  if (record.processingMs !== null) addValue(totals.processingMs, record.processingMs);
  if (record.actualLabels === null) return;
  totals.labelled++;
  const actual = new Set(record.actualLabels);
  const predicted = new Set(record.predictedLabels);
  for (const label of new Set([...actual, ...predicted])) {
    const cell = (totals.confusion[label] ??= { truePositives: 0, falseNegatives: 0, falsePositives: 0 });
    if (actual.has(label) && predicted.has(label)) cell.truePositives++;
    else if (actual.has(label)) cell.falseNegatives++;
    else cell.falsePositives++;
  }
}

function increment(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

function combineMaps(
  a: Record<string, number>,
  b: Record<string, number>,
  sign: 1 | -1,
): Record<string, number> {
  const result = { ...a };
  for (const [key, value] of Object.entries(b)) result[key] = (result[key] ?? 0) + sign * value;
  return Object.fromEntries(Object.entries(result).filter(([, value]) => value !== 0));
}

function combineConfusion(a: Totals["confusion"], b: Totals["confusion"], sign: 1 | -1): Totals["confusion"] {
  const result = { ...a };
  for (const [label, cell] of Object.entries(b)) {
    const base = result[label] ?? { truePositives: 0, falseNegatives: 0, falsePositives: 0 };
    result[label] = {
      truePositives: base.truePositives + sign * cell.truePositives,
      falseNegatives: base.falseNegatives + sign * cell.falseNegatives,
      falsePositives: base.falsePositives + sign * cell.falsePositives,
    };
  }
  return Object.fromEntries(
    Object.entries(result).filter(
      ([, cell]) => cell.truePositives !== 0 || cell.falseNegatives !== 0 || cell.falsePositives !== 0,
    ),
  );
}
