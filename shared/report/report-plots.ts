import type { Totals } from "../schema/index-totals.js";
import {
  binBounds,
  histogramCount,
  histogramQuantile,
  sortedBins,
  type LogHistogram,
} from "../schema/log-histogram.js";
import { barChart, binnedHistogram, escapeHtml, type HistogramBin } from "./svg-charts.js";

/** Bars per histogram at most; the index's finer bins are merged into this many. */
const DISPLAY_BINS = 16;

/** One class's confusion against the ground truth, over the explained images whose labels are known. */
export interface ClassConfusion {
  readonly label: string;
  readonly truePositives: number;
  readonly falseNegatives: number;
  readonly falsePositives: number;
  readonly trueNegatives: number;
}

/**
 * Per class, how the predicted labels agree with the actual ones (one-vs-rest, so multi-label models fit), from the
 * index's totals, by label.
 */
export function classConfusion(totals: Totals): ClassConfusion[] {
  return Object.entries(totals.confusion)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([label, cell]) => ({
      label,
      ...cell,
      trueNegatives: totals.labelled - cell.truePositives - cell.falseNegatives - cell.falsePositives,
    }));
}

/**
 * The report's summary plots, drawn from the index's totals (so their cost does not grow with the index):
 * predicted labels, confusion, IG completeness error and processing time.
 */
export function reportPlots(totals: Totals): string {
  const bars = Object.entries(totals.byPredictedLabel)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, value]) => ({ label, value }));
  const percent = (value: number) => `${formatNumber(value * 100)}%`;
  const seconds = (ms: number) => `${formatNumber(ms / 1000)} s`;
  return [
    figure(
      "Images per predicted label",
      bars.length > 0 ? barChart(bars, "images per predicted label") : "<p>No explained images yet.</p>",
    ),
    figure("Confusion against the ground truth", confusionTable(classConfusion(totals))),
    figure(
      "IG completeness error (largest per image)",
      binnedHistogram(displayBins(totals.completenessError), {
        title: "IG completeness error",
        format: percent,
      }) + caption(totals.completenessError, percent),
    ),
    figure(
      "Processing time per explained image",
      binnedHistogram(displayBins(totals.processingMs), {
        title: "processing time per image",
        format: seconds,
      }) + caption(totals.processingMs, seconds),
    ),
  ].join("\n");
}

/**
 * At most {@link DISPLAY_BINS} bars spanning the non-empty bins of a log histogram, each merging neighbouring
 * bins; values ≤ 0 count in the first bar.
 */
export function displayBins(histogram: LogHistogram): HistogramBin[] {
  const bins = sortedBins(histogram);
  if (bins.length === 0)
    return histogram.nonPositive > 0 ? [{ low: 0, high: 0, count: histogram.nonPositive }] : [];
  const first = bins[0][0];
  const span = bins[bins.length - 1][0] - first + 1;
  const width = Math.ceil(span / DISPLAY_BINS);
  const bars = Array.from({ length: Math.ceil(span / width) }, (_, i) => ({
    low: binBounds(first + i * width)[0],
    high: binBounds(first + (i + 1) * width - 1)[1],
    count: i === 0 ? histogram.nonPositive : 0,
  }));
  for (const [bin, count] of bins) bars[Math.floor((bin - first) / width)].count += count;
  return bars;
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

function caption(histogram: LogHistogram, format: (value: number) => string): string {
  if (histogramCount(histogram) === 0) return "";
  const at = (q: number) => escapeHtml(format(histogramQuantile(histogram, q) ?? 0));
  return `<p class="stats">median ≈ ${at(0.5)}, 95th percentile ≈ ${at(0.95)}, max ≈ ${at(1)}</p>`;
}

function formatNumber(value: number): string {
  if (value === 0) return "0";
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(2)).toString();
}
