import { SEED_LABELS } from "../shared/model/seed-lens.js";

/** The model's labels, in output order: the seed notebook's, so that the trained model can stand in for it. */
export const LABELS = SEED_LABELS;
export type Label = (typeof LABELS)[number];

/** The CSV word, and the model's answer, for a leaf with none of the labels. */
export const NO_LABEL = "healthy";

/**
 * Parses the `labels` column of a split CSV (space-separated, `healthy` for none) into a multi-hot vector in
 * {@link LABELS} order; an unknown word throws.
 */
export function multiHot(text: string): number[] {
  const words = text.trim().split(/\s+/);
  const vector = LABELS.map(() => 0);
  if (words.length === 1 && words[0] === NO_LABEL) return vector;
  for (const word of words) {
    const index = LABELS.indexOf(word as Label);
    if (index < 0) throw new Error(`unknown label "${word}"; expected ${NO_LABEL} or ${LABELS.join(", ")}`);
    vector[index] = 1;
  }
  return vector;
}

/** The order labels are written in the dataset's CSV: the diseases, then `complex`. */
export const CSV_ORDER: readonly Label[] = [
  "scab",
  "frog_eye_leaf_spot",
  "rust",
  "powdery_mildew",
  "complex",
];

/** The CSV form of a multi-hot vector (in {@link LABELS} order): the present labels in CSV order, or `healthy`. */
export function labelText(vector: ArrayLike<number>): string {
  const present = CSV_ORDER.filter((label) => vector[LABELS.indexOf(label)] >= 0.5);
  return present.length > 0 ? present.join(" ") : NO_LABEL;
}

/** Whether two label lists (space-separated, any order, `healthy` for none) name the same labels. */
export function sameLabels(a: string, b: string): boolean {
  const set = (text: string) => [...new Set(text.split(/\s+/).filter(Boolean))].sort().join(" ");
  return set(a) === set(b);
}
