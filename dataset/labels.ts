import type { Disease } from "./lesions.js";
import type { Random } from "./random.js";

/** The diseases, in the order their labels are written. */
export const DISEASES: readonly Disease[] = ["scab", "frog_eye_leaf_spot", "rust", "powdery_mildew"];

/** A Plant Pathology 2021 label; an image with none of them is `healthy`. */
export type Label = Disease | "complex";

/** Every label, in the order they are written in the CSV. */
export const LABELS: readonly Label[] = [...DISEASES, "complex"];

/** The CSV word for an image without disease. */
export const HEALTHY = "healthy";

/** The classes images are drawn from: healthy, one disease, or a complex of several. */
export type LabelClass = Disease | "complex" | "healthy";

/** Share of each class in a generated split, close to the Kaggle training set. */
export const LABEL_MIX: Readonly<Record<LabelClass, number>> = {
  healthy: 0.25,
  scab: 0.18,
  rust: 0.15,
  frog_eye_leaf_spot: 0.15,
  powdery_mildew: 0.1,
  complex: 0.17,
};

/** How often each disease takes part in a complex (scab with frog-eye is the commonest pairing). */
const COMPLEX_WEIGHTS: readonly (readonly [Disease, number])[] = [
  ["scab", 0.35],
  ["frog_eye_leaf_spot", 0.3],
  ["rust", 0.2],
  ["powdery_mildew", 0.15],
];

/** Two diseases (70 %) or three (30 %), drawn by weight without repetition. */
export function complexDiseases(random: Random): Disease[] {
  const wanted = random.chance(0.7) ? 2 : 3;
  const chosen = new Set<Disease>();
  while (chosen.size < wanted) chosen.add(random.weighted(COMPLEX_WEIGHTS.filter(([d]) => !chosen.has(d))));
  return DISEASES.filter((d) => chosen.has(d));
}

/** The diseases an image shows, whatever its labels (complex itself draws nothing). */
export function diseasesOf(labels: readonly Label[]): Disease[] {
  return DISEASES.filter((d) => labels.includes(d));
}

/** How many images of each class a split of `count` gets: the mix, rounded by largest remainder. */
export function classQuotas(count: number): Record<LabelClass, number> {
  const classes = Object.keys(LABEL_MIX) as LabelClass[];
  const exact = classes.map((c) => LABEL_MIX[c] * count);
  const quotas = exact.map(Math.floor);
  let missing = count - quotas.reduce((a, b) => a + b, 0);
  const order = classes
    .map((_, i) => i)
    .sort((a, b) => exact[b] - quotas[b] - (exact[a] - quotas[a]) || a - b);
  for (const i of order) {
    if (missing-- <= 0) break;
    quotas[i] += 1;
  }
  return Object.fromEntries(classes.map((c, i) => [c, quotas[i]])) as Record<LabelClass, number>;
}

/**
 * The labels of every image of a split, in image order: class counts follow {@link LABEL_MIX} exactly (up to
 * rounding), shuffled; complex images list each disease present and then `complex`.
 */
export function assignLabels(count: number, random: Random): Label[][] {
  const quotas = classQuotas(count);
  const classes = (Object.keys(quotas) as LabelClass[]).flatMap((c) => Array<LabelClass>(quotas[c]).fill(c));
  return random.shuffle(classes).map((c): Label[] => {
    if (c === "healthy") return [];
    if (c === "complex") return [...complexDiseases(random), "complex"];
    return [c];
  });
}

/** The CSV form of a label set: space-separated in {@link LABELS} order, or `healthy`. */
export function formatLabels(labels: readonly Label[]): string {
  return labels.length === 0 ? HEALTHY : LABELS.filter((l) => labels.includes(l)).join(" ");
}

/** Reads the CSV form back; throws on an unknown word. */
export function parseLabels(text: string): Label[] {
  if (text === HEALTHY) return [];
  return text.split(" ").map((word) => {
    const label = LABELS.find((l) => l === word);
    if (!label) throw new Error(`unknown label "${word}"`);
    return label;
  });
}

/** One row of the split CSV. */
export interface CsvRow {
  readonly image: string;
  readonly labels: readonly Label[];
}

/** The split CSV in the Kaggle format: header `image,labels`, one row per image, trailing newline. */
export function formatCsv(rows: readonly CsvRow[]): string {
  return ["image,labels", ...rows.map((row) => `${row.image},${formatLabels(row.labels)}`)].join("\n") + "\n";
}

/** Parses a split CSV written by {@link formatCsv}. */
export function parseCsv(text: string): CsvRow[] {
  const [header, ...lines] = text.trimEnd().split("\n");
  if (header !== "image,labels") throw new Error(`unexpected CSV header "${header}"`);
  return lines.map((line) => {
    const [image, labels] = line.split(",");
    return { image, labels: parseLabels(labels) };
  });
}
