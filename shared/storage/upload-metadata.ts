import { BadInputError } from "../errors.js";

/** What an uploader may say about an image through S3 object metadata (`x-amz-meta-*`). */
export interface UploadMetadata {
  /** Ground-truth labels, recorded in the summary. */
  readonly labels?: readonly string[];
  /** Labels to explain instead of the predicted ones, each once, in the order given. */
  readonly targets?: readonly string[];
  /** A bundle under models/ to use instead of the default. */
  readonly model?: string;
}

/** The most labels one upload may ask to explain: each costs a full Integrated Gradients run. */
export const MAX_TARGETS = 32;

/** The longest target label, in characters. */
export const MAX_TARGET_LENGTH = 128;

/**
 * The object metadata that says `upload` (what `cnn-lens upload` sends): `labels` space-separated, `targets`
 * comma-separated, `model`; the SDK adds the `x-amz-meta-` prefix.
 */
export function encodeUploadMetadata(upload: UploadMetadata): Record<string, string> {
  return {
    ...(upload.labels && upload.labels.length > 0 ? { labels: upload.labels.join(" ") } : {}),
    ...(upload.targets && upload.targets.length > 0 ? { targets: upload.targets.join(",") } : {}),
    ...(upload.model ? { model: upload.model } : {}),
  };
}

/**
 * Reads `labels`, `targets` (comma- or space-separated) and `model` from object metadata, as the worker does.
 * More than {@link MAX_TARGETS} distinct targets, or one longer than {@link MAX_TARGET_LENGTH}, is bad input.
 */
export function decodeUploadMetadata(metadata: Readonly<Record<string, string>>): UploadMetadata {
  const list = (value: string | undefined) => {
    const items = value?.split(/[\s,]+/).filter(Boolean);
    return items && items.length > 0 ? items : undefined;
  };
  const labels = list(metadata.labels);
  const targets = checkedTargets(list(metadata.targets));
  const model = metadata.model?.trim();
  return {
    ...(labels ? { labels } : {}),
    ...(targets ? { targets } : {}),
    ...(model ? { model } : {}),
  };
}

function checkedTargets(targets: readonly string[] | undefined): readonly string[] | undefined {
  if (!targets) return undefined;
  const long = targets.find((target) => target.length > MAX_TARGET_LENGTH);
  if (long !== undefined) {
    throw new BadInputError(
      `the target ${JSON.stringify(`${long.slice(0, 40)}…`)} in x-amz-meta-targets is ${long.length} characters, ` +
        `over the limit of ${MAX_TARGET_LENGTH}; name targets by the model's labels`,
    );
  }
  const distinct = [...new Set(targets)];
  if (distinct.length > MAX_TARGETS) {
    throw new BadInputError(
      `x-amz-meta-targets names ${distinct.length} labels, over the limit of ${MAX_TARGETS} per image ` +
        `(${distinct.slice(0, 5).join(", ")}, …); upload the image again with at most ${MAX_TARGETS} targets`,
    );
  }
  return distinct;
}
