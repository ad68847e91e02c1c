import type { LensConfigInput } from "./lens-config.js";

/** The seed notebook's labels, in its model's output order. */
export const SEED_LABELS = ["scab", "frog_eye_leaf_spot", "rust", "complex", "powdery_mildew"] as const;

/**
 * The lens.json of the seed notebook's model: its labels, its tuned thresholds, and its 256×256 input scaled
 * by 1/255. The benchmarks' seed-sized model, the trained model's labels and the tests start from it, so that
 * they stay comparable to the seed.
 */
export const SEED_LENS = {
  schemaVersion: 1,
  name: "apple-leaf-basic-cnn",
  labels: [...SEED_LABELS],
  task: "multi-label",
  thresholds: [0.57, 0.41, 0.36, 0.37, 0.17],
  input: { width: 256, height: 256, scale: 1 / 255 },
} satisfies LensConfigInput;
