import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../shared/engine/backend.js";
import { decide } from "../../shared/model/prediction.js";
import { decodeImage } from "../../shared/image/decode-image.js";
import { localBundleReader } from "../../shared/model/bundle-reader.js";
import { loadModelBundle, type ModelBundle } from "../../shared/model/model-bundle.js";
import { parseSplitCsv } from "../../training/dataset-loader.js";
import { LABELS, sameLabels } from "../../training/labels.js";
import { SAMPLE_KINDS, sampleKind } from "../../training/samples.js";
import type { TrainingReport } from "../../training/training-report.js";

const MODEL = "models/default";
const SAMPLES = "samples";
let bundle: ModelBundle;
let report: TrainingReport;

beforeAll(async () => {
  await initBackend("wasm");
  bundle = await loadModelBundle(localBundleReader(MODEL));
  report = JSON.parse(await readFile(join(MODEL, "training-report.json"), "utf8")) as TrainingReport;
});

afterAll(() => {
  bundle?.model.dispose();
});

describe("the bundled model", () => {
  it("is a small multi-label model over the five labels, taking ≥128 px scaled by 1/255", async () => {
    const { config } = bundle;
    expect(config.name).toBe("apple-leaf-synthetic-cnn");
    expect(config.task).toBe("multi-label");
    expect(config.labels).toEqual([...LABELS]);
    expect(config.noLabel).toBe("healthy");
    expect(config.thresholds).toHaveLength(5);
    expect(config.input).toMatchObject({ channels: 3, scale: 1 / 255, offset: 0 });
    expect(config.input.width).toBeGreaterThanOrEqual(128);
    expect(config.input.height).toBe(config.input.width);
    expect((await stat(join(MODEL, "weights.bin"))).size).toBeLessThan(10 * 1024 * 1024);
    expect(await readFile(join(MODEL, "MODEL_CARD.md"), "utf8")).toContain("macro-F1");
  });

  it("predicts the labels of samples/labels.csv, except exactly the samples its model card lists as missed", async () => {
    const rows = parseSplitCsv(await readFile(join(SAMPLES, "labels.csv"), "utf8"));
    expect(new Set(rows.map((r) => sampleKind(r.labels)))).toEqual(new Set(SAMPLE_KINDS));
    const card = await readFile(join(MODEL, "MODEL_CARD.md"), "utf8");
    const { width, height, channels, scale, offset } = bundle.config.input;
    for (const row of rows) {
      const image = await decodeImage(await readFile(join(SAMPLES, row.image)), { width, height, channels });
      const scores = tf.tidy(() =>
        Array.from(
          (
            bundle.model.predict(
              tf.tensor4d(
                image.pixels.map((p) => p * scale + offset),
                [1, height, width, channels],
              ),
            ) as tf.Tensor
          ).dataSync(),
        ),
      );
      const predicted = decide(scores, bundle.config).labels.join(" ");
      const recorded = report.samples.find((s) => s.file === row.image);
      expect(recorded, `${row.image} is in the training report`).toBeDefined();
      if (recorded?.correct) {
        expect(sameLabels(predicted, row.labels), `${row.image}: ${predicted} vs ${row.labels}`).toBe(true);
      } else {
        expect(sameLabels(predicted, recorded?.predicted ?? ""), `${row.image}: ${predicted}`).toBe(true);
        expect(sameLabels(predicted, row.labels), row.image).toBe(false);
        expect(card).toMatch(new RegExp(`\`${row.image.replace(".", "\\.")}\`[^\\n]*\\*\\*no\\*\\*`));
      }
    }
  });
});
