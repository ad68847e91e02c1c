import type { LabelMeasure, MapMeasure } from "./attribution-quality.js";

/**
 * Aggregates (image, label) measures per label and overall (pooled over every pair), and checks the targets:
 * Integrated Gradients puts at least 3× as much of its mass on the lesions as their share of the leaf, and its
 * peak lands on the lesions in at least 80 % of cases.
 */

/** The targets of the attribution evaluation. */
export const TARGETS = {
  /** Mean IG mass share inside the lesion mask ÷ mean area share of the mask on the leaf. */
  massRatio: 3,
  /** Share of pairs whose IG peak lies inside the lesion mask. */
  pointing: 0.8,
} as const;

/** One method's aggregate. */
export interface MethodSummary {
  /** Mean share of map mass inside the dilated lesion mask. */
  readonly massShare: number;
  /** Mean share of map mass on the leaf. */
  readonly leafMassShare: number;
  /** massShare ÷ the row's mean areaShare (ratio of means). */
  readonly ratio: number;
  /** Share of pairs whose peak is inside the mask. */
  readonly pointing: number;
  /** Pairs whose map was all zeros. */
  readonly empty: number;
  /** Mean |Spearman ρ| against the randomized model, over the pairs where ρ is defined; NaN if none. */
  readonly randomizationAbsRho: number;
  /** Mean signed ρ over the same pairs. */
  readonly randomizationRho: number;
  /** Pairs where ρ is defined (both maps vary). */
  readonly rhoCount: number;
}

/** One row of the table: one label, or every pair. */
export interface QualityRow {
  readonly label: string;
  readonly n: number;
  /** Mean |dilated mask ∩ leaf| / |leaf|. */
  readonly areaShare: number;
  readonly integratedGradients: MethodSummary;
  readonly gradCam: MethodSummary;
}

/** The per-label rows (in `labels` order, labels without pairs left out) and the pooled row. */
export interface QualitySummary {
  readonly rows: readonly QualityRow[];
  readonly overall: QualityRow;
}

/** One target, met or missed. */
export interface TargetCheck {
  readonly name: string;
  readonly value: number;
  readonly target: number;
  readonly meets: boolean;
  /** How far below the target (0 when met), in the target's unit. */
  readonly shortfall: number;
}

/** Summarizes `measures`; `labels` orders the rows. */
export function summarize(measures: readonly LabelMeasure[], labels: readonly string[]): QualitySummary {
  const rows = labels
    .map((label) =>
      row(
        label,
        measures.filter((m) => m.label === label),
      ),
    )
    .filter((r) => r.n > 0);
  return { rows, overall: row("overall", measures) };
}

/** The targets, checked on the pooled row. */
export function checkTargets(overall: QualityRow): TargetCheck[] {
  const check = (name: string, value: number, target: number): TargetCheck => {
    const meets = value >= target;
    return {
      name,
      value,
      target,
      meets,
      shortfall: meets ? 0 : Number.isNaN(value) ? target : target - value,
    };
  };
  return [
    check("IG mass ratio", overall.integratedGradients.ratio, TARGETS.massRatio),
    check("IG pointing game", overall.integratedGradients.pointing, TARGETS.pointing),
  ];
}

function row(label: string, measures: readonly LabelMeasure[]): QualityRow {
  const areaShare = mean(measures.map((m) => m.areaShare));
  return {
    label,
    n: measures.length,
    areaShare,
    integratedGradients: method(
      measures.map((m) => m.integratedGradients),
      areaShare,
    ),
    gradCam: method(
      measures.map((m) => m.gradCam),
      areaShare,
    ),
  };
}

function method(maps: readonly MapMeasure[], areaShare: number): MethodSummary {
  const massShare = mean(maps.map((m) => m.massShare));
  const rhos = maps
    .map((m) => m.randomizationRho)
    .filter((rho): rho is number => rho !== undefined && Number.isFinite(rho));
  return {
    massShare,
    leafMassShare: mean(maps.map((m) => m.leafMassShare)),
    ratio: areaShare > 0 ? massShare / areaShare : Number.NaN,
    pointing: mean(maps.map((m) => (m.pointingHit ? 1 : 0))),
    empty: maps.filter((m) => m.empty).length,
    randomizationAbsRho: mean(rhos.map(Math.abs)),
    randomizationRho: mean(rhos),
    rhoCount: rhos.length,
  };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
