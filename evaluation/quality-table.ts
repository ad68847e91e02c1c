import { checkTargets, type QualityRow, type QualitySummary, type TargetCheck } from "./quality-summary.js";

/** The plain-text report of the attribution evaluation: the table, then one line per target. */

const HEADER = [
  "label",
  "n",
  "area",
  "IG mass",
  "IG ratio",
  "IG point",
  "GC mass",
  "GC ratio",
  "GC point",
  "rand |ρ| IG",
  "rand |ρ| GC",
];

/** The table: one row per label, a rule, and the pooled row. */
export function qualityTable(summary: QualitySummary): string {
  const cells = (row: QualityRow) => [
    row.label,
    String(row.n),
    percent(row.areaShare),
    percent(row.integratedGradients.massShare),
    times(row.integratedGradients.ratio),
    percent(row.integratedGradients.pointing),
    percent(row.gradCam.massShare),
    times(row.gradCam.ratio),
    percent(row.gradCam.pointing),
    fixed(row.integratedGradients.randomizationAbsRho),
    fixed(row.gradCam.randomizationAbsRho),
  ];
  const body = summary.rows.map(cells);
  const overall = cells(summary.overall);
  const widths = HEADER.map((title, c) =>
    Math.max(title.length, overall[c].length, ...body.map((r) => r[c].length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  const rule = line(widths.map((w) => "-".repeat(w)));
  return [line(HEADER), rule, ...body.map(line), ...(body.length > 0 ? [rule] : []), line(overall)].join(
    "\n",
  );
}

/** One line per target: "meets" or "misses by …". */
export function targetLines(checks: readonly TargetCheck[]): string[] {
  return checks.map((check) => {
    const pointing = check.name.includes("pointing");
    const value = pointing ? percent(check.value) : times(check.value);
    const target = pointing ? percent(check.target, 0) : times(check.target, 0);
    const verdict = check.meets
      ? "meets"
      : `misses by ${pointing ? `${(check.shortfall * 100).toFixed(1)} percentage points` : times(check.shortfall)}`;
    return `target ${check.name} ≥ ${target}: ${value}, ${verdict}`;
  });
}

/** The whole report: what the columns mean, the table, the targets, and the context lines. */
export function qualityReport(
  summary: QualitySummary,
  context: { readonly randomized: string | undefined },
): string {
  const { overall } = summary;
  return [
    qualityTable(summary),
    "",
    "area: the dilated lesion mask's share of the leaf (what a map spread evenly over the leaf would put inside);",
    "mass: the map's share inside the dilated mask; ratio = mean mass ÷ mean area, at most 1 ÷ area " +
      `(${times(1 / overall.areaShare)} overall);`,
    `on the leaf at all: ${percent(overall.integratedGradients.leafMassShare)} of the IG mass, ` +
      `${percent(overall.gradCam.leafMassShare)} of the Grad-CAM mass (the rest is on the background);`,
    "point: share of map peaks inside the mask; rand |ρ|: mean |Spearman ρ| between the trained and the randomized",
    `model's maps (${context.randomized ?? "not run"}); low means the map depends on what the model learnt.`,
    "",
    ...targetLines(checkTargets(overall)),
    `not a target: Grad-CAM mass ratio ${times(overall.gradCam.ratio)}, pointing ${percent(overall.gradCam.pointing)}` +
      (overall.gradCam.empty > 0 ? `, ${overall.gradCam.empty} empty maps` : ""),
  ].join("\n");
}

function percent(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : "-";
}

function times(value: number, digits = 2): string {
  return Number.isFinite(value) ? `${value.toFixed(digits)}×` : "-";
}

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : "-";
}
