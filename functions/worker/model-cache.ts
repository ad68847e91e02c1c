import type { S3Client } from "@aws-sdk/client-s3";
import { createExplainer, gradientsFor, type Explainer } from "../../shared/analysis/explainer.js";
import type { RuntimeInfo } from "../../shared/engine/backend.js";
import { BadModelError } from "../../shared/errors.js";
import { s3BundleReader } from "../../shared/model/bundle-reader.js";
import { loadModelBundle } from "../../shared/model/model-bundle.js";
import { modelPrefixFor } from "../../shared/storage/s3-layout.js";

/** Loads each model bundle under models/ once, on first use; a failed load is not kept, so a fix is picked up. */
export class ModelCache {
  private readonly explainers = new Map<string, Promise<Explainer>>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly runtime: RuntimeInfo,
    private readonly threads: number,
  ) {}

  /** The explainer of the bundle at `models/<name>/`. */
  get(name: string): Promise<Explainer> {
    let explainer = this.explainers.get(name);
    if (!explainer) {
      explainer = this.load(name);
      this.explainers.set(name, explainer);
      explainer.catch(() => this.explainers.delete(name));
    }
    return explainer;
  }

  async dispose(): Promise<void> {
    for (const explainer of this.explainers.values())
      await (await explainer.catch(() => undefined))?.dispose();
    this.explainers.clear();
  }

  private async load(name: string): Promise<Explainer> {
    let prefix: string;
    try {
      prefix = modelPrefixFor(name);
    } catch (error) {
      throw new BadModelError((error as Error).message);
    }
    const reader = s3BundleReader(`s3://${this.bucket}/${prefix}`, this.s3);
    const bundle = await loadModelBundle({
      location: reader.location,
      read: (file) =>
        reader.read(file).catch((error: unknown) => {
          if ((error as { name?: string }).name === "NoSuchKey") {
            throw new BadModelError(
              `model ${JSON.stringify(name)} has no ${file} at ${reader.location}; upload the bundle with cnn-lens model upload`,
            );
          }
          throw error;
        }),
    });
    return createExplainer(bundle, this.runtime, gradientsFor(this.runtime, this.threads));
  }
}
