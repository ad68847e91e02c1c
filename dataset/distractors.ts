import { hex, hsl } from "./color.js";
import { DESIGN_SIZE, num, polygonPath, quadraticPoints, taperedStroke, type Polygon } from "./geometry.js";
import { createLeafShape, randomPointOnLeaf, type LeafShape } from "./leaf-shape.js";
import type { Random } from "./random.js";
import { element, type SvgDocument } from "./svg.js";

/** Things in the picture that are not disease; each is present or absent independently of the labels. */
export type DistractorKind = "specks" | "droplets" | "glare" | "shadow";

/** How likely each distractor is per image. */
export const DISTRACTOR_RATES: Readonly<Record<DistractorKind, number>> = {
  specks: 0.45,
  droplets: 0.3,
  glare: 0.35,
  shadow: 0.35,
};

const S = DESIGN_SIZE;

/** Tiny grey-brown dirt specks scattered over leaf and background alike. */
export function drawSpecks(doc: SvgDocument, random: Random): void {
  const color = hex(hsl(random.range(20, 40), random.range(0.08, 0.25), random.range(0.14, 0.32)));
  const specks = Array.from({ length: random.int(4, 30) }, () =>
    element("ellipse", {
      cx: random.range(0, S),
      cy: random.range(0, S),
      rx: random.range(0.4, 1.1),
      ry: random.range(0.3, 0.8),
      "fill-opacity": random.range(0.55, 0.9),
    }),
  );
  doc.draw(element("g", { fill: color }, specks.join("")));
}

/** Water droplets on the blade: a clear lens with a dark rim, a bright highlight and a soft contact shadow. */
export function drawDroplets(doc: SvgDocument, random: Random, leaf: LeafShape, light: number): void {
  const parts: string[] = [];
  const dx = Math.cos(light);
  const dy = Math.sin(light);
  for (let i = random.int(1, 7); i > 0; i--) {
    const place = randomPointOnLeaf(leaf, random, 0.95);
    if (!place) continue;
    const r = Math.max(1.8, leaf.length * random.range(0.012, 0.028));
    const { x, y } = place.point;
    const shadow = doc.radialGradient(x - dx * r * 0.35, y - dy * r * 0.35, r * 1.25, [
      [0.6, "#000", 0.28],
      [1, "#000", 0],
    ]);
    parts.push(
      element("circle", { cx: x - dx * r * 0.35, cy: y - dy * r * 0.35, r: r * 1.25, fill: shadow }),
    );
    const lens = doc.radialGradient(
      x,
      y,
      r,
      [
        [0, "#fff", 0.28],
        [0.65, "#fff", 0.06],
        [1, "#000", 0.32],
      ],
      x - dx * r * 0.4,
      y - dy * r * 0.4,
    );
    parts.push(element("circle", { cx: x, cy: y, r, fill: lens }));
    parts.push(
      element("ellipse", {
        cx: x + dx * r * 0.45,
        cy: y + dy * r * 0.45,
        rx: Math.max(0.5, r * 0.24),
        ry: Math.max(0.35, r * 0.15),
        transform: `rotate(${num((light * 180) / Math.PI + 90)} ${num(x + dx * r * 0.45)} ${num(y + dy * r * 0.45)})`,
        fill: "#fff",
        "fill-opacity": random.range(0.75, 0.95),
      }),
    );
  }
  doc.draw(parts.join(""));
}

/** A smooth specular sheen stretched along the leaf, clipped to the blade. */
export function drawGlare(doc: SvgDocument, random: Random, leaf: LeafShape): void {
  const place = randomPointOnLeaf(leaf, random, 0.6, 0);
  if (!place) return;
  const { x, y } = place.point;
  const rx = leaf.length * random.range(0.15, 0.35);
  const ry = rx * random.range(0.15, 0.32);
  const angle = (leaf.angle * 180) / Math.PI + random.range(-25, 25);
  const fill = doc.ellipticalGradient(x, y, rx, ry, angle, [
    [0, "#f4f8ff", random.range(0.2, 0.42)],
    [0.5, "#f4f8ff", random.range(0.08, 0.16)],
    [1, "#f4f8ff", 0],
  ]);
  const clip = doc.clipPath(polygonPath(leaf.outline));
  doc.draw(element("g", { "clip-path": clip }, element("rect", { width: S, height: S, fill })));
}

/** The shadow of an unseen leaf or twig falling across the scene: outline, darkness and softness (design units). */
export interface CastShadow {
  readonly polygons: readonly Polygon[];
  readonly opacity: number;
  readonly blur: number;
}

/** A random cast shadow: another leaf's outline (60 %) or a twig's band. */
export function castShadow(random: Random): CastShadow {
  const opacity = random.range(0.2, 0.45);
  let polygon: Polygon;
  if (random.chance(0.6)) {
    polygon = createLeafShape(random).outline;
  } else {
    const angle = random.range(0, Math.PI);
    const across = { x: -Math.sin(angle), y: Math.cos(angle) };
    const shift = random.range(-0.35, 0.35) * S;
    const at = (along: number, bow: number) => ({
      x: S / 2 + Math.cos(angle) * along + across.x * (shift + bow),
      y: S / 2 + Math.sin(angle) * along + across.y * (shift + bow),
    });
    const width = random.range(8, 36);
    polygon = taperedStroke(
      quadraticPoints(at(-S, 0), at(0, random.range(-40, 40)), at(S, 0), 16),
      width,
      width * random.range(0.6, 1),
    );
  }
  return { polygons: [polygon], opacity, blur: random.range(3, 8) };
}
