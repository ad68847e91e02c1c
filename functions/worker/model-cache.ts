import type { S3Client } from "@aws-sdk/client-s3";
import type * as tf from "@tensorflow/tfjs";
import { createExplainer, gradientsFor, type Explainer } from "../../shared/analysis/explainer.js";
import type { RuntimeInfo } from "../../shared/engine/backend.js";
import { BadModelError } from "../../shared/errors.js";
import { s3BundleReader } from "../../shared/model/bundle-reader.js";
import { loadModelBundle } from "../../shared/model/model-bundle.js";
import { modelPrefixFor } from "../../shared/storage/s3-layout.js";

/** How many loaded models the cache keeps. */
export interface ModelCacheLimits {
  /** The most models kept loaded. @default 4 */
  readonly maxModels: number;
  /**
   * The most bytes of weights kept loaded, over all models. A model takes about twice this in memory: its tensors,
   * and the raw weights kept to load it into gradient threads. @default 1 GiB
   */
  readonly maxWeightBytes: number;
}

export const DEFAULT_MODEL_CACHE_LIMITS: ModelCacheLimits = { maxModels: 4, maxWeightBytes: 1024 ** 3 };

/** A loaded model lent out for one analysis; it is not evicted until released. */
export interface ModelLease {
  readonly explainer: Explainer;
  /** Ends the loan (once; later calls do nothing), and evicts what the limits no longer allow. */
  release(): Promise<void>;
}

/** Loads a model bundle into an explainer. */
export type ExplainerLoader = (name: string) => Promise<Explainer>;

interface Entry {
  readonly explainer: Promise<Explainer>;
  /** Set once loaded. */
  weightBytes?: number;
  leases: number;
}

/**
 * Keeps the explainers of the bundles under models/, loading each on first use. A failed load is not kept, so a
 * fix is picked up. Past {@link ModelCacheLimits}, the least recently used models that are not lent out are
 * evicted and their tensors (and gradient threads) disposed; a lent model is never disposed mid-analysis.
 */
export class ModelCache {
  /** Least recently used first. */
  private readonly entries = new Map<string, Entry>();
  private readonly limits: ModelCacheLimits;

  constructor(
    private readonly load: ExplainerLoader,
    limits: Partial<ModelCacheLimits> = {},
  ) {
    this.limits = { ...DEFAULT_MODEL_CACHE_LIMITS, ...limits };
  }

  /** The explainer of the bundle at `models/<name>/`, lent until {@link ModelLease.release}. */
  async acquire(name: string): Promise<ModelLease> {
    let entry = this.entries.get(name);
    if (entry) {
      this.entries.delete(name);
    } else {
      entry = { explainer: this.load(name), leases: 0 };
    }
    this.entries.set(name, entry);
    entry.leases++;
    let explainer: Explainer;
    try {
      explainer = await entry.explainer;
    } catch (error) {
      entry.leases--;
      if (this.entries.get(name) === entry) this.entries.delete(name);
      throw error;
    }
    entry.weightBytes = weightBytesOf(explainer.bundle.artifacts.weightData);
    await this.evict();
    let released = false;
    const lent = entry;
    return {
      explainer,
      release: async () => {
        if (released) return;
        released = true;
        lent.leases--;
        await this.evict();
      },
    };
  }

  /** The names of the models loaded or loading, least recently used first. */
  cached(): string[] {
    return [...this.entries.keys()];
  }

  /** Disposes every model, lent or not: for the end of the worker. */
  async dispose(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) await disposeEntry(entry);
  }

  private async evict(): Promise<void> {
    const evicted: Entry[] = [];
    for (const [name, entry] of this.entries) {
      if (!this.overLimits()) break;
      if (entry.leases > 0 || entry.weightBytes === undefined) continue;
      this.entries.delete(name);
      evicted.push(entry);
    }
    for (const entry of evicted) await disposeEntry(entry);
  }

  private overLimits(): boolean {
    const bytes = [...this.entries.values()].reduce((sum, entry) => sum + (entry.weightBytes ?? 0), 0);
    return this.entries.size > this.limits.maxModels || bytes > this.limits.maxWeightBytes;
  }
}

/** Loads `models/<name>/` from the bucket; a missing or unusable bundle is a {@link BadModelError}. */
export function s3ExplainerLoader(
  s3: S3Client,
  bucket: string,
  runtime: RuntimeInfo,
  threads: number,
): ExplainerLoader {
  return async (name) => {
    let prefix: string;
    try {
      prefix = modelPrefixFor(name);
    } catch (error) {
      throw new BadModelError((error as Error).message);
    }
    const reader = s3BundleReader(`s3://${bucket}/${prefix}`, s3);
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
    return createExplainer(bundle, runtime, gradientsFor(runtime, threads));
  };
}

/** Disposes an explainer (its output models and gradient threads), then the bundle's model it was built on. */
async function disposeEntry(entry: Entry): Promise<void> {
  const explainer = await entry.explainer.catch(() => undefined);
  if (!explainer) return;
  await explainer.dispose();
  explainer.bundle.model.dispose();
}

function weightBytesOf(weightData: tf.io.ModelArtifacts["weightData"]): number {
  if (weightData === undefined) return 0;
  const buffers = Array.isArray(weightData) ? weightData : [weightData];
  return buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
}
