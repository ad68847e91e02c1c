/** What an uploader may say about an image through S3 object metadata (`x-amz-meta-*`). */
export interface UploadMetadata {
  /** Ground-truth labels, recorded in the summary. */
  readonly labels?: readonly string[];
  /** Labels to explain instead of the predicted ones. */
  readonly targets?: readonly string[];
  /** A bundle under models/ to use instead of the default. */
  readonly model?: string;
}

/** Reads `labels`, `targets` (comma- or space-separated) and `model` from object metadata. */
export function uploadMetadata(metadata: Readonly<Record<string, string>>): UploadMetadata {
  const list = (value: string | undefined) => {
    const items = value?.split(/[\s,]+/).filter(Boolean);
    return items && items.length > 0 ? items : undefined;
  };
  const model = metadata.model?.trim();
  return {
    ...(list(metadata.labels) ? { labels: list(metadata.labels) } : {}),
    ...(list(metadata.targets) ? { targets: list(metadata.targets) } : {}),
    ...(model ? { model } : {}),
  };
}
