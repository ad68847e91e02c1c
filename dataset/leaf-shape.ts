import {
  applySimilarity,
  DESIGN_SIZE,
  quadraticPoints,
  taperedStroke,
  type Point,
  type Polygon,
  type Similarity,
} from "./geometry.js";
import type { Random } from "./random.js";

/** How the leaf margin is cut. */
export type MarginKind = "smooth" | "serrate" | "crenate";

/** One leaf's geometry in design units, plus the frame that places points on it. */
export interface LeafShape {
  /** Blade outline (without the stalk). */
  readonly outline: Polygon;
  /** Stalk outline, drawn behind the blade. */
  readonly petiole: Polygon;
  /** Midrib outline (a tapered stroke). */
  readonly midrib: Polygon;
  /** Lateral vein outlines (tapered strokes). */
  readonly veins: readonly Polygon[];
  /** The half of the blade on the +v side of the midrib, for fold shading. */
  readonly half: Polygon;
  /** Blade length, base to tip, in design units. */
  readonly length: number;
  /** Direction from base to tip, in radians. */
  readonly angle: number;
  readonly margin: MarginKind;
  /**
   * The design-space point at fraction `t` of the length (0 base, 1 tip) and fraction `v` of the
   * half-width across (−1 and 1 are the two margins, 0 the midrib).
   */
  readonly at: (t: number, v: number) => Point;
  /** Half-width of the blade at `t` on the side of sign `v`, in design units. */
  readonly halfWidth: (t: number, v: number) => number;
  /** The largest half-width on the +v side, in design units. */
  readonly widest: number;
}

const smoothstep = (edge0: number, edge1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
};

/** Parameters drawn once per leaf; everything else is derived from them. */
interface LeafParameters {
  readonly aspect: number;
  readonly baseExponent: number;
  readonly tipExponent: number;
  readonly acumen: number;
  readonly asymmetry: number;
  readonly bend: number;
  readonly margin: MarginKind;
  readonly teeth: number;
  readonly toothDepth: number;
  readonly petioleLength: number;
  readonly petioleBend: number;
  readonly veinPairs: number;
}

function drawParameters(random: Random): LeafParameters {
  const widest = random.range(0.34, 0.5);
  const tipExponent = random.range(1.0, 1.45);
  return {
    aspect: random.range(0.42, 0.66),
    tipExponent,
    baseExponent: Math.min(1, Math.max(0.45, (tipExponent * widest) / (1 - widest))),
    acumen: random.range(0.1, 0.45),
    asymmetry: random.range(-0.07, 0.07),
    bend: random.range(-0.08, 0.08),
    margin: random.weighted<MarginKind>([
      ["serrate", 0.5],
      ["crenate", 0.25],
      ["smooth", 0.25],
    ]),
    teeth: random.int(24, 44),
    toothDepth: random.range(0.006, 0.015),
    petioleLength: random.range(0.06, 0.24),
    petioleBend: random.range(-0.06, 0.06),
    veinPairs: random.int(6, 9),
  };
}

/** Tooth profile for a phase in 0..1: serrate teeth lean towards the tip, crenate ones are rounded. */
function tooth(margin: MarginKind, phase: number): number {
  if (margin === "serrate") return phase ** 1.7 - 0.45;
  if (margin === "crenate") return Math.sin(Math.PI * phase) ** 0.6 - 0.6;
  return 0;
}

/**
 * Draws a random apple-like leaf: ovate to elliptic blade with a pointed tip, optionally toothed margin,
 * a slightly bent midrib, lateral veins and a stalk, at a random angle, position and scale in the frame.
 */
export function createLeafShape(random: Random): LeafShape {
  const p = drawParameters(random);
  const length = DESIGN_SIZE * random.range(0.68, 1.25);
  const angle = random.range(0, 2 * Math.PI);
  const center = {
    x: DESIGN_SIZE / 2 + random.range(-0.1, 0.1) * DESIGN_SIZE,
    y: DESIGN_SIZE / 2 + random.range(-0.1, 0.1) * DESIGN_SIZE,
  };
  const frame: Similarity = { origin: center, angle, scale: length };

  let peak = 0;
  for (let t = 0; t <= 1; t += 0.005) peak = Math.max(peak, t ** p.baseExponent * (1 - t) ** p.tipExponent);
  const profile = (t: number) =>
    t <= 0 || t >= 1
      ? 0
      : ((t ** p.baseExponent * (1 - t) ** p.tipExponent) / peak) * (1 - p.acumen * smoothstep(0.6, 1, t));
  const sideWidth = (t: number, v: number) =>
    (p.aspect / 2) * profile(t) * (1 + Math.sign(v || 1) * p.asymmetry);
  const midline = (t: number) => p.bend * Math.sin(Math.PI * t) * 0.5 + p.bend * 0.3 * t * t;
  const local = (t: number, v: number): Point => ({ x: t - 0.5, y: midline(t) + v * sideWidth(t, v) });
  const at = (t: number, v: number) => applySimilarity(frame, local(t, v));

  const samples = p.margin === "smooth" ? 100 : Math.max(120, p.teeth * 6);
  const parameters = Array.from(
    { length: samples + 1 },
    (_, i) => 0.5 - 0.5 * Math.cos((Math.PI * i) / samples),
  );
  const marginSide = (side: 1 | -1): Point[] => {
    const plain = parameters.map((t) => local(t, side));
    return plain.map((here, i) => {
      const t = parameters[i];
      const before = plain[Math.max(0, i - 1)];
      const after = plain[Math.min(samples, i + 1)];
      const dx = after.x - before.x;
      const dy = after.y - before.y;
      const norm = Math.hypot(dx, dy) || 1;
      const damp = smoothstep(0.02, 0.16, t) * (1 - smoothstep(0.88, 0.99, t));
      const offset = p.toothDepth * damp * tooth(p.margin, (t * p.teeth) % 1);
      const nx = (-dy / norm) * side;
      const ny = (dx / norm) * side;
      return applySimilarity(frame, { x: here.x + nx * offset, y: here.y + ny * offset });
    });
  };
  const upper = marginSide(1);
  const lower = marginSide(-1);
  const outline = [...upper, ...lower.reverse().slice(1, -1)];

  const midribPoints = Array.from({ length: 25 }, (_, i) => at(i / 24, 0));
  const midrib = taperedStroke(midribPoints, length * 0.016, length * 0.002);
  const half = [...midribPoints, ...[...upper].reverse()];

  const petiolePoints = Array.from({ length: 9 }, (_, i) => {
    const s = i / 8;
    return applySimilarity(frame, { x: -0.5 - s * p.petioleLength, y: p.petioleBend * s * s });
  });
  const petiole = taperedStroke(petiolePoints, length * 0.02, length * 0.014);

  const veins: Polygon[] = [];
  for (let i = 0; i < p.veinPairs; i++) {
    for (const side of [1, -1] as const) {
      const start = 0.08 + (0.76 * (i + (side > 0 ? 0.15 : 0.55))) / p.veinPairs + random.range(-0.02, 0.02);
      const reach = random.range(0.12, 0.2) * (1 - start * 0.4);
      const end = Math.min(0.95, start + reach);
      const curve = quadraticPoints(
        at(start, 0),
        at(start + reach * 0.45, side * random.range(0.5, 0.65)),
        at(end, side * random.range(0.82, 0.9)),
        8,
      );
      veins.push(taperedStroke(curve, length * random.range(0.005, 0.008), length * 0.0015));
    }
  }

  return {
    outline,
    petiole,
    midrib,
    veins,
    half,
    length,
    angle,
    margin: p.margin,
    at,
    halfWidth: (t, v) => sideWidth(t, v) * length,
    widest: Math.max(...Array.from({ length: 41 }, (_, i) => sideWidth(i / 40, 1) * length)),
  };
}

/**
 * A random point on the blade, uniform over its area, at most `spread` of the half-width from the midrib
 * and at least `inset` design units inside the frame edge; undefined if none was found.
 */
export function randomPointOnLeaf(
  leaf: LeafShape,
  random: Random,
  spread = 0.85,
  inset = 4,
): { point: Point; t: number; v: number } | undefined {
  for (let attempt = 0; attempt < 200; attempt++) {
    const t = random.range(0.05, 0.95);
    if (random.next() * leaf.widest > leaf.halfWidth(t, 1)) continue;
    const v = random.range(-spread, spread);
    const point = leaf.at(t, v);
    if (point.x < inset || point.y < inset || point.x > DESIGN_SIZE - inset || point.y > DESIGN_SIZE - inset)
      continue;
    return { point, t, v };
  }
  return undefined;
}
