import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analysisOptions } from "../../shared/analysis/analysis-options.js";
import { analyzeImage } from "../../shared/analysis/analyze-image.js";
import { createExplainer } from "../../shared/analysis/explainer.js";
import { failedSummary } from "../../shared/analysis/failed-summary.js";
import { writeAnalysisToFolder } from "../../shared/analysis/write-analysis.js";
import { initBackend } from "../../shared/engine/backend.js";
import { BadInputError } from "../../shared/errors.js";
import { localBundleReader } from "../../shared/model/bundle-reader.js";
import { loadModelBundle } from "../../shared/model/model-bundle.js";
import { saveModelBundle } from "../../shared/model/save-model-bundle.js";
import { recordFromSummary, type IndexRecord } from "../../shared/schema/index-record.js";
import type { Summary } from "../../shared/schema/summary.js";
import { resultsPrefixFor, summaryKeyFor } from "../../shared/storage/s3-layout.js";
import { syntheticImage } from "../fixtures/images.js";
import { seedLikeCnn, seedLikeLens } from "../fixtures/models.js";

/** What {@link localResults} made: a folder laid out as `cnn-lens report` copies results, and the records. */
export interface LocalResults {
  readonly folder: string;
  readonly records: IndexRecord[];
}

/**
 * Real analyses of `count` synthetic images by a small seed-like model, written as a local report folder holds
 * them (`<folder>/<key without uploads/>/`), with their records: the first image's ground truth is what the model
 * predicts, the others' is `healthy` (so they are misclassified), and one more upload failed.
 */
export async function localResults(count: number): Promise<LocalResults> {
  const folder = await mkdtemp(join(tmpdir(), "cnn-lens-report-"));
  const bundle = join(folder, "model-bundle");
  await saveModelBundle(seedLikeCnn(32), seedLikeLens(32), bundle);
  const explainer = createExplainer(
    await loadModelBundle(localBundleReader(bundle)),
    await initBackend("auto"),
  );
  const options = analysisOptions(explainer.bundle.config, { steps: 8 });
  const records: IndexRecord[] = [];
  const add = async (key: string, summary: Summary, artifacts?: ReadonlyMap<string, Uint8Array>) => {
    await writeAnalysisToFolder(
      join(folder, resultsPrefixFor(key).slice("results/".length)),
      summary,
      artifacts,
    );
    records.push(recordFromSummary(key, summaryKeyFor(key), summary, new Date()));
  };
  for (let i = 0; i < count; i++) {
    const key = `uploads/leaves/leaf ${i + 1}.png`;
    const image = await syntheticImage(40 + 8 * i, 36, i + 1);
    const { summary, artifacts } = await analyzeImage(explainer, image, { source: key }, options);
    const labels = i === 0 ? summary.predictedLabels : ["healthy"];
    await add(key, { ...summary, image: { ...summary.image, labels } }, artifacts);
  }
  const broken = "uploads/leaves/broken.png";
  await add(broken, failedSummary({ source: broken }, new BadInputError("not a decodable image")));
  return { folder, records };
}
