/** Small SVG charts drawn on the server, so the report needs no charting library and no network. */

const FONT = 'font-family="system-ui, sans-serif" font-size="11"';
const BAR = "#3b6ea8";

/** Text made safe inside HTML or SVG. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

/** A horizontal bar chart: one labelled bar per entry, its count at its end. */
export function barChart(
  bars: readonly { readonly label: string; readonly value: number }[],
  title: string,
): string {
  const labelWidth = 150;
  const barSpace = 240;
  const rowHeight = 20;
  const height = bars.length * rowHeight + 8;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const rows = bars.map((bar, i) => {
    const y = 4 + i * rowHeight;
    const width = (bar.value / max) * barSpace;
    return (
      `<text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end">${escapeHtml(bar.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 2}" width="${width.toFixed(1)}" height="${rowHeight - 6}" fill="${BAR}"/>` +
      `<text x="${(labelWidth + width + 4).toFixed(1)}" y="${y + 13}">${bar.value}</text>`
    );
  });
  return svg(labelWidth + barSpace + 50, height, title, rows.join(""));
}

/** How a histogram spaces its bins. */
export type HistogramScale = "linear" | "log";

/**
 * A histogram of `values` in `binCount` bins, linear or logarithmic (non-positive values then fall in the first
 * bin), its axis labelled with `format`.
 */
export function histogram(
  values: readonly number[],
  options: {
    readonly title: string;
    readonly binCount: number;
    readonly scale: HistogramScale;
    readonly format: (value: number) => string;
  },
): string {
  if (values.length === 0) return binnedHistogram([], options);
  const edges = binEdges(values, options.binCount, options.scale);
  return binnedHistogram(
    binCounts(values, edges, options.scale).map((count, i) => ({
      low: edges[i],
      high: edges[i + 1],
      count,
    })),
    options,
  );
}

/** One bar of a histogram: the values from `low` to `high`, and how many there are. */
export interface HistogramBin {
  readonly low: number;
  readonly high: number;
  readonly count: number;
}

/** A histogram of bins already counted, side by side in order, its axis labelled with `format`. */
export function binnedHistogram(
  bins: readonly HistogramBin[],
  options: { readonly title: string; readonly format: (value: number) => string },
): string {
  const { format } = options;
  const width = 440;
  const plotHeight = 120;
  const left = 36;
  const bottom = plotHeight + 8;
  if (bins.length === 0) {
    return svg(width, 40, options.title, `<text x="8" y="24">no values yet</text>`);
  }
  const edges = [...bins.map((bin) => bin.low), bins[bins.length - 1].high];
  const max = Math.max(1, ...bins.map((bin) => bin.count));
  const barWidth = (width - left - 8) / bins.length;
  const bars = bins.map((bin, i) => {
    const height = (bin.count / max) * plotHeight;
    const x = left + i * barWidth;
    const tip = `${format(bin.low)} – ${format(bin.high)}: ${bin.count}`;
    return `<rect x="${x.toFixed(1)}" y="${(bottom - height).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${height.toFixed(1)}" fill="${BAR}"><title>${escapeHtml(tip)}</title></rect>`;
  });
  const ticks = [0, Math.floor(bins.length / 2), bins.length].map((i) => {
    const x = left + i * barWidth;
    const anchor = i === 0 ? "start" : i === bins.length ? "end" : "middle";
    return `<text x="${x.toFixed(1)}" y="${bottom + 14}" text-anchor="${anchor}">${escapeHtml(format(edges[i]))}</text>`;
  });
  const axis =
    `<line x1="${left}" y1="${bottom}" x2="${width - 8}" y2="${bottom}" stroke="#888"/>` +
    `<text x="${left - 4}" y="${bottom - plotHeight + 8}" text-anchor="end">${max}</text>` +
    `<text x="${left - 4}" y="${bottom}" text-anchor="end">0</text>`;
  return svg(width, bottom + 20, options.title, axis + bars.join("") + ticks.join(""));
}

/** The `binCount + 1` edges spanning `values`. */
export function binEdges(values: readonly number[], binCount: number, scale: HistogramScale): number[] {
  const usable = scale === "log" ? values.filter((value) => value > 0) : values;
  if (usable.length === 0) return Array.from({ length: binCount + 1 }, (_, i) => i);
  const map = scale === "log" ? Math.log10 : (value: number) => value;
  const unmap = scale === "log" ? (value: number) => 10 ** value : (value: number) => value;
  let low = usable.reduce((min, value) => Math.min(min, map(value)), Infinity);
  let high = usable.reduce((max, value) => Math.max(max, map(value)), -Infinity);
  if (high === low) [low, high] = [low - 0.5, high + 0.5];
  return Array.from({ length: binCount + 1 }, (_, i) => unmap(low + ((high - low) * i) / binCount));
}

/** How many values fall in each bin; values on an inner edge go to the upper bin, the maximum to the last. */
export function binCounts(
  values: readonly number[],
  edges: readonly number[],
  scale: HistogramScale,
): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const value of values) {
    let bin = 0;
    if (!(scale === "log" && value <= 0)) {
      while (bin < counts.length - 1 && value >= edges[bin + 1]) bin++;
    }
    counts[bin]++;
  }
  return counts;
}

function svg(width: number, height: number, title: string, body: string): string {
  return (
    `<svg role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${FONT}>` +
    `<title>${escapeHtml(title)}</title>${body}</svg>`
  );
}
