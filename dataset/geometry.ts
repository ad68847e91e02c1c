/** A point in design units (the SVG viewBox is always 256 × 256, whatever the output size). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A closed outline; the last point joins the first. */
export type Polygon = readonly Point[];

/** The side of the square design space every sample is drawn in. */
export const DESIGN_SIZE = 256;

/** A rotation, uniform scale and translation taking one frame into design space. */
export interface Similarity {
  readonly origin: Point;
  readonly angle: number;
  readonly scale: number;
}

/** Maps a point through a similarity transform. */
export function applySimilarity(transform: Similarity, point: Point): Point {
  const cos = Math.cos(transform.angle) * transform.scale;
  const sin = Math.sin(transform.angle) * transform.scale;
  return {
    x: transform.origin.x + point.x * cos - point.y * sin,
    y: transform.origin.y + point.x * sin + point.y * cos,
  };
}

/** Formats a coordinate for SVG rounded to two decimals, so output is compact and platform-independent. */
export function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** An SVG path string for a closed polygon. */
export function polygonPath(polygon: Polygon): string {
  return `M${polygon.map((p) => `${num(p.x)} ${num(p.y)}`).join("L")}Z`;
}

/** Shape of an irregular closed blob: a radius modulated by a few low harmonics plus per-vertex jitter. */
export interface BlobShape {
  readonly center: Point;
  readonly radius: number;
  /** Relative amplitude of each harmonic, starting from the 2nd. */
  readonly harmonics: readonly number[];
  /** Phase of each harmonic, in radians. */
  readonly phases: readonly number[];
  /** Relative radial jitter per vertex, already drawn (one value per vertex). */
  readonly jitter: readonly number[];
  /** Stretch along the x axis of the blob's own frame (1 = round). */
  readonly stretch: number;
  readonly angle: number;
}

/** Traces a {@link BlobShape} as a polygon with one vertex per jitter value. */
export function blobPolygon(shape: BlobShape): Polygon {
  const vertices = shape.jitter.length;
  const cos = Math.cos(shape.angle);
  const sin = Math.sin(shape.angle);
  return shape.jitter.map((jitter, i) => {
    const theta = (2 * Math.PI * i) / vertices;
    let factor = 1 + jitter;
    shape.harmonics.forEach((amplitude, h) => {
      factor += amplitude * Math.cos((h + 2) * theta + shape.phases[h]);
    });
    const r = shape.radius * Math.max(0.25, factor);
    const lx = r * Math.cos(theta) * shape.stretch;
    const ly = (r * Math.sin(theta)) / shape.stretch;
    return { x: shape.center.x + lx * cos - ly * sin, y: shape.center.y + lx * sin + ly * cos };
  });
}

/** Scales a polygon about a point. */
export function scalePolygon(polygon: Polygon, center: Point, factor: number): Polygon {
  return polygon.map((p) => ({
    x: center.x + (p.x - center.x) * factor,
    y: center.y + (p.y - center.y) * factor,
  }));
}

/** Distance between two points. */
export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/**
 * The outline of a stroke along a polyline whose width varies from start to end,
 * for tapering veins and stems without relying on stroke rendering.
 */
export function taperedStroke(points: readonly Point[], startWidth: number, endWidth: number): Polygon {
  const left: Point[] = [];
  const right: Point[] = [];
  const last = points.length - 1;
  points.forEach((p, i) => {
    const before = points[Math.max(0, i - 1)];
    const after = points[Math.min(last, i + 1)];
    const dx = after.x - before.x;
    const dy = after.y - before.y;
    const length = Math.hypot(dx, dy) || 1;
    const half = (startWidth + (endWidth - startWidth) * (i / last)) / 2;
    left.push({ x: p.x - (dy / length) * half, y: p.y + (dx / length) * half });
    right.push({ x: p.x + (dy / length) * half, y: p.y - (dx / length) * half });
  });
  return [...left, ...right.reverse()];
}

/** Points along a quadratic Bézier curve, ends included. */
export function quadraticPoints(start: Point, control: Point, end: Point, segments: number): Point[] {
  return Array.from({ length: segments + 1 }, (_, i) => {
    const t = i / segments;
    const u = 1 - t;
    return {
      x: u * u * start.x + 2 * u * t * control.x + t * t * end.x,
      y: u * u * start.y + 2 * u * t * control.y + t * t * end.y,
    };
  });
}
