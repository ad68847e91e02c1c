import { join } from "node:path";
import sharp from "sharp";
import type { ImageSet } from "./dataset-loader.js";
import { LABELS, labelText } from "./labels.js";

/** How one disease fails on a split. */
export interface DiseaseFailures {
  readonly label: string;
  /** Images that have it. */
  readonly present: number;
  /** Of those, how many the model misses. */
  readonly missed: number;
  /** Images that do not have it but are said to. */
  readonly falseAlarms: number;
  /** Of the false alarms, how many are on healthy leaves. */
  readonly falseAlarmsOnHealthy: number;
  /** Median lesion area (share of the image, from the generator's masks) where it is found, and where missed. */
  readonly medianAreaFound: number | null;
  readonly medianAreaMissed: number | null;
}

/** The mistakes on a split, counted and characterized. */
export interface FailureAnalysis {
  readonly images: number;
  /** Images whose predicted label set is not the true one. */
  readonly wrong: number;
  /** The commonest (true labels → predicted labels) mistakes, at most 10. */
  readonly patterns: readonly {
    readonly actual: string;
    readonly predicted: string;
    readonly count: number;
  }[];
  readonly diseases: readonly DiseaseFailures[];
  /** `complex` said of a leaf with fewer than two diseases, and missed on a leaf with two or more. */
  readonly complexFalseAlarms: number;
  readonly complexMisses: number;
  /** Of the missed complexes, how many also miss at least one of the leaf's diseases. */
  readonly complexMissesWithMissedDisease: number;
}

const DISEASES = LABELS.filter((label) => label !== "complex");

/**
 * Compares predictions with the truth on a generated split, and measures the lesions of each present disease
 * from the generator's masks (`<data>/masks/<id>/<label>.png`), to tell whether missed diseases are the small ones.
 */
export async function analyzeFailures(
  data: string,
  set: ImageSet,
  scores: readonly ArrayLike<number>[],
  thresholds: readonly number[],
): Promise<FailureAnalysis> {
  const n = LABELS.length;
  const truth = (i: number, j: number) => set.targets[i * n + j] >= 0.5;
  const said = (i: number, j: number) => scores[i][j] >= thresholds[j];
  const patterns = new Map<string, number>();
  let wrong = 0;
  set.rows.forEach((_, i) => {
    const actual = labelText(LABELS.map((_, j) => (truth(i, j) ? 1 : 0)));
    const predicted = labelText(LABELS.map((_, j) => (said(i, j) ? 1 : 0)));
    if (actual === predicted) return;
    wrong++;
    const key = `${actual}\t${predicted}`;
    patterns.set(key, (patterns.get(key) ?? 0) + 1);
  });

  const diseases: DiseaseFailures[] = [];
  for (const label of DISEASES) {
    const j = LABELS.indexOf(label);
    const found: number[] = [];
    const missed: number[] = [];
    let falseAlarms = 0;
    let falseAlarmsOnHealthy = 0;
    for (let i = 0; i < set.rows.length; i++) {
      if (truth(i, j)) {
        const area = await lesionArea(data, set.rows[i].image, label);
        (said(i, j) ? found : missed).push(area);
      } else if (said(i, j)) {
        falseAlarms++;
        if (LABELS.every((_, k) => !truth(i, k))) falseAlarmsOnHealthy++;
      }
    }
    diseases.push({
      label,
      present: found.length + missed.length,
      missed: missed.length,
      falseAlarms,
      falseAlarmsOnHealthy,
      medianAreaFound: median(found),
      medianAreaMissed: median(missed),
    });
  }

  const c = LABELS.indexOf("complex");
  const diseaseIndices = DISEASES.map((label) => LABELS.indexOf(label));
  let complexFalseAlarms = 0;
  let complexMisses = 0;
  let complexMissesWithMissedDisease = 0;
  for (let i = 0; i < set.rows.length; i++) {
    if (!truth(i, c) && said(i, c)) complexFalseAlarms++;
    if (truth(i, c) && !said(i, c)) {
      complexMisses++;
      if (diseaseIndices.some((j) => truth(i, j) && !said(i, j))) complexMissesWithMissedDisease++;
    }
  }
  return {
    images: set.rows.length,
    wrong,
    patterns: [...patterns]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([key, count]) => {
        const [actual, predicted] = key.split("\t");
        return { actual, predicted, count };
      }),
    diseases,
    complexFalseAlarms,
    complexMisses,
    complexMissesWithMissedDisease,
  };
}

/** The share of the image a disease's lesion mask covers. */
async function lesionArea(data: string, image: string, label: string): Promise<number> {
  const id = image.replace(/\.[^.]+$/, "");
  const { data: pixels, info } = await sharp(join(data, "masks", id, `${label}.png`))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let covered = 0;
  for (let p = 0; p < pixels.length; p += info.channels) if (pixels[p] >= 128) covered++;
  return covered / (info.width * info.height);
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
