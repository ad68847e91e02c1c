import type { IndexRecord } from "../schema/index-record.js";
import { barChart, escapeHtml, histogram } from "./svg-charts.js";

/** One class's confusion against the ground truth, over the explained images whose labels are known. */
export interface ClassConfusion {
  readonly label: string;
  readonly truePositives: number;
  readonly falseNegatives: number;
  readonly falsePositives: number;
  readonly trueNegatives: number;
}

/** Per class, how the predicted labels agree with the actual ones (one-vs-rest, so multi-label models fit). */
export function classConfusion(records: readonly IndexRecord[]): ClassConfusion[] {
  const labelled = records.filter((record) => record.status === "explained" && record.actualLabels !== null);
  const labels = [
    ...new Set(labelled.flatMap((record) => [...(record.actualLabels ?? []), ...record.predictedLabels])),
  ];
  return labels.map((label) => {
    const cell = { truePositives: 0, falseNegatives: 0, falsePositives: 0, trueNegatives: 0 };
    for (const record of labelled) {
      const actual = record.actualLabels?.includes(label) ?? false;
      const predicted = record.predictedLabels.includes(label);
      if (actual && predicted) cell.truePositives++;
      else if (actual) cell.falseNegatives++;
      else if (predicted) cell.falsePositives++;
      else cell.trueNegatives++;
    }
    return { label, ...cell };
  });
}

/** The report's summary plots: predicted labels, confusion, IG completeness error and processing time. */
export function reportPlots(records: readonly IndexRecord[]): string {
  const byLabel = new Map<string, number>();
  for (const record of records)
    for (const label of record.predictedLabels) byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
  const bars = [...byLabel]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, value]) => ({ label, value }));
  const errors = records.flatMap((record) =>
    record.maxCompletenessError === null ? [] : [record.maxCompletenessError],
  );
  const seconds = records.flatMap((record) =>
    record.processingMs === null ? [] : [record.processingMs / 1000],
  );
  return [
    figure(
      "Images per predicted label",
      bars.length > 0 ? barChart(bars, "images per predicted label") : "<p>No explained images yet.</p>",
    ),
    figure("Confusion against the ground truth", confusionTable(classConfusion(records))),
    figure(
      "IG completeness error (largest per image)",
      histogram(errors, {
        title: "IG completeness error",
        binCount: 16,
        scale: "log",
        format: (value) => `${formatNumber(value * 100)}%`,
      }) + caption(errors, (value) => `${formatNumber(value * 100)}%`),
    ),
    figure(
      "Processing time per explained image",
      histogram(seconds, {
        title: "processing time per image",
        binCount: 16,
        scale: "linear",
        format: (value) => `${formatNumber(value)} s`,
      }) + caption(seconds, (value) => `${formatNumber(value)} s`),
    ),
  ].join("\n");
}

function confusionTable(rows: readonly ClassConfusion[]): string {
  if (rows.length === 0) return "<p>No image has ground-truth labels.</p>";
  const max = Math.max(
    1,
    ...rows.flatMap((row) => [row.truePositives, row.falseNegatives, row.falsePositives]),
  );
  const cell = (value: number, kind: "good" | "bad") => {
    const strength = (value / max).toFixed(2);
    return `<td class="count ${kind}" style="--strength:${strength}">${value}</td>`;
  };
  const ratio = (numerator: number, denominator: number) =>
    denominator === 0 ? "–" : `${Math.round((100 * numerator) / denominator)}%`;
  const body = rows
    .map(
      (row) =>
        `<tr><th scope="row">${escapeHtml(row.label)}</th>` +
        cell(row.truePositives, "good") +
        cell(row.falseNegatives, "bad") +
        cell(row.falsePositives, "bad") +
        `<td class="count">${row.trueNegatives}</td>` +
        `<td>${ratio(row.truePositives, row.truePositives + row.falsePositives)}</td>` +
        `<td>${ratio(row.truePositives, row.truePositives + row.falseNegatives)}</td></tr>`,
    )
    .join("");
  return (
    `<table class="confusion"><thead><tr><th>class</th><th title="actual and predicted">TP</th>` +
    `<th title="actual, not predicted">FN</th><th title="predicted, not actual">FP</th>` +
    `<th title="neither">TN</th><th>precision</th><th>recall</th></tr></thead><tbody>${body}</tbody></table>`
  );
}

function figure(title: string, body: string): string {
  return `<figure class="plot"><figcaption>${escapeHtml(title)}</figcaption>${body}</figure>`;
}

function caption(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 0) return "";
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `<p class="stats">median ${escapeHtml(format(at(0.5)))}, 95th percentile ${escapeHtml(format(at(0.95)))}, max ${escapeHtml(format(sorted[sorted.length - 1]))}</p>`;
}

function formatNumber(value: number): string {
  if (value === 0) return "0";
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(2)).toString();
}
