import { z } from "zod";

/** Bins per decade: a bin spans a factor 10^(1/20) ≈ 1.12, so a value read back as its bin's middle is within 6%. */
export const BINS_PER_DECADE = 20;

/**
 * A histogram of values on fixed logarithmic bins: bin `b` holds the values in [10^(b/20), 10^((b+1)/20)), and
 * values ≤ 0 are counted apart. The bins do not depend on the values, so the histograms of parts add up (and
 * subtract) exactly to the histogram of the whole, which is what lets the index keep one incrementally.
 */
export const LogHistogramSchema = z.object({
  /** Count per bin number, non-empty bins only. */
  bins: z.record(z.string().regex(/^-?\d+$/, "a bin number"), z.number().int().positive()),
  /** Values ≤ 0 (an IG completeness error of exactly 0, say). */
  nonPositive: z.number().int().nonnegative(),
});
export type LogHistogram = z.infer<typeof LogHistogramSchema>;

/** A histogram with no values. */
export function emptyHistogram(): LogHistogram {
  return { bins: {}, nonPositive: 0 };
}

/** The bin number of a positive value. */
export function binOf(value: number): number {
  return Math.floor(Math.log10(value) * BINS_PER_DECADE);
}

/** The bin's lower and upper edges. */
export function binBounds(bin: number): readonly [number, number] {
  return [10 ** (bin / BINS_PER_DECADE), 10 ** ((bin + 1) / BINS_PER_DECADE)];
}

/** Adds a value to `histogram`, in place. */
export function addValue(histogram: LogHistogram, value: number): void {
  if (!(value > 0)) {
    histogram.nonPositive++;
    return;
  }
  const key = String(binOf(value));
  histogram.bins[key] = (histogram.bins[key] ?? 0) + 1;
}

/** `a + sign · b`, bin by bin; bins that come to 0 are dropped. */
export function combineHistograms(a: LogHistogram, b: LogHistogram, sign: 1 | -1): LogHistogram {
  const bins = { ...a.bins };
  for (const [bin, count] of Object.entries(b.bins)) bins[bin] = (bins[bin] ?? 0) + sign * count;
  return {
    bins: Object.fromEntries(Object.entries(bins).filter(([, count]) => count !== 0)),
    nonPositive: a.nonPositive + sign * b.nonPositive,
  };
}

/** How many values the histogram holds. */
export function histogramCount(histogram: LogHistogram): number {
  return Object.values(histogram.bins).reduce((sum, count) => sum + count, histogram.nonPositive);
}

/** The non-empty bins in ascending order, as [bin, count]. */
export function sortedBins(histogram: LogHistogram): [number, number][] {
  return Object.entries(histogram.bins)
    .map(([bin, count]): [number, number] => [Number(bin), count])
    .sort((x, y) => x[0] - y[0]);
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1), read as the geometric middle of the bin that holds it (0 for values ≤ 0), or
 * undefined for an empty histogram. Within 6% of the exact quantile.
 */
export function histogramQuantile(histogram: LogHistogram, q: number): number | undefined {
  const total = histogramCount(histogram);
  if (total === 0) return undefined;
  const rank = Math.min(total - 1, Math.floor(q * total));
  if (rank < histogram.nonPositive) return 0;
  let seen = histogram.nonPositive;
  for (const [bin, count] of sortedBins(histogram)) {
    seen += count;
    if (rank < seen) return 10 ** ((bin + 0.5) / BINS_PER_DECADE);
  }
  return undefined;
}
