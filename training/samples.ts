import { NO_LABEL, sameLabels } from "./labels.js";

/** The kinds of leaf the bundled samples cover: each single disease, a complex, and a healthy leaf. */
export const SAMPLE_KINDS = [
  "rust",
  "scab",
  "frog_eye_leaf_spot",
  "powdery_mildew",
  "complex",
  NO_LABEL,
] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** A candidate image with its true and predicted labels (CSV form). */
export interface SampleCandidate {
  readonly image: string;
  readonly labels: string;
  readonly predicted: string;
}

/** A chosen sample and the file name it gets in `samples/`. */
export interface ChosenSample extends SampleCandidate {
  readonly kind: SampleKind;
  readonly file: string;
}

/** The kind of an image from its labels: `healthy`, `complex`, or its one disease. */
export function sampleKind(labels: string): SampleKind | undefined {
  const words = labels.split(/\s+/);
  if (words.includes("complex")) return "complex";
  if (words.length !== 1) return undefined;
  return SAMPLE_KINDS.find((kind) => kind === words[0]);
}

/**
 * `perKind` images of every kind, in candidate order: the first ones predicted right, then, if a kind has too
 * few of those, the first ones predicted wrong (so a kind is never left out; the card lists them).
 */
export function chooseSamples(candidates: readonly SampleCandidate[], perKind: number): ChosenSample[] {
  return SAMPLE_KINDS.flatMap((kind) => {
    const ofKind = candidates.filter((c) => sampleKind(c.labels) === kind);
    const right = ofKind.filter((c) => sameLabels(c.predicted, c.labels));
    const wrong = ofKind.filter((c) => !sameLabels(c.predicted, c.labels));
    return [...right, ...wrong]
      .slice(0, perKind)
      .map((c, i) => ({ ...c, kind, file: `${kind}-${i + 1}.jpg` }));
  });
}
