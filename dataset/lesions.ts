import { hex, hsl, lightness, mix, parseHex, shade } from "./color.js";
import {
  blobPolygon,
  distance,
  polygonPath,
  scalePolygon,
  type BlobShape,
  type Point,
  type Polygon,
} from "./geometry.js";
import type { DrawnLeaf } from "./leaf-appearance.js";
import { randomPointOnLeaf, type LeafShape } from "./leaf-shape.js";
import type { Random } from "./random.js";
import { element, type SvgDocument } from "./svg.js";
import type { Tint } from "./pixels.js";
import { textureOverlay, type TextureOverlay } from "./texture-overlay.js";

/** The four diseases that leave visible lesions (`complex` is a combination of them). */
export type Disease = "scab" | "frog_eye_leaf_spot" | "rust" | "powdery_mildew";

/** Everything a lesion painter needs. */
export interface LesionContext {
  readonly doc: SvgDocument;
  readonly leaf: LeafShape;
  readonly drawn: DrawnLeaf;
  readonly random: Random;
  /** Multiplies the number of lesions (below 1 when several diseases share a leaf). */
  readonly severity: number;
}

/**
 * The lesions of one disease: SVG markup (to be clipped to the blade), the polygons of its mask, and colour
 * tints and textures to apply to the rendered pixels under the mask once it is blurred by `softness` design
 * units.
 */
export interface Lesions {
  readonly markup: string;
  readonly mask: readonly Polygon[];
  readonly tints: readonly Tint[];
  readonly overlays: readonly TextureOverlay[];
  readonly softness: number;
}

interface Spot {
  readonly center: Point;
  readonly radius: number;
}

/**
 * Scatters up to `count` non-overlapping spots over the blade (at least one, so a labelled disease always
 * shows). Radii come from `radius`; spots keep `gap` × (sum of radii) apart and their centres within
 * `spread` of the half-width from the midrib.
 */
function scatter(
  context: LesionContext,
  count: number,
  radius: () => number,
  spread: number,
  gap: number,
): Spot[] {
  const spots: Spot[] = [];
  for (let attempt = 0; attempt < count * 20 && spots.length < count; attempt++) {
    const r = radius();
    const place = randomPointOnLeaf(context.leaf, context.random, spread, r + 2);
    if (!place) continue;
    if (spots.some((s) => distance(s.center, place.point) < gap * (s.radius + r))) continue;
    spots.push({ center: place.point, radius: r });
  }
  if (spots.length === 0) spots.push({ center: context.leaf.at(0.5, 0), radius: radius() });
  return spots;
}

/** A lesion outline: a blob around `spot` whose irregularity grows with `roughness`. */
function outline(random: Random, spot: Spot, roughness: number, vertices: number, stretch = 1): Polygon {
  const shape: BlobShape = {
    center: spot.center,
    radius: spot.radius,
    harmonics: [
      random.range(0.5, 1),
      random.range(0.3, 0.7),
      random.range(0.2, 0.5),
      random.range(0.1, 0.3),
    ].map((h) => h * roughness),
    phases: Array.from({ length: 4 }, () => random.range(0, 2 * Math.PI)),
    jitter: Array.from({ length: vertices }, () => random.range(-roughness, roughness) * 0.4),
    stretch,
    angle: random.range(0, Math.PI),
  };
  return blobPolygon(shape);
}

const lesionCount = (context: LesionContext, min: number, max: number) =>
  Math.max(min === 1 ? 1 : 2, Math.round(context.random.int(min, max) * context.severity));

/** Cedar apple rust: bright orange spots, darker towards the centre with tiny dark pycnia, in a yellow halo. */
export function rust(context: LesionContext): Lesions {
  const { doc, leaf, random } = context;
  const spots = scatter(
    context,
    lesionCount(context, 3, 18),
    () => Math.max(2.6, leaf.length * random.range(0.016, 0.032)),
    0.85,
    1.3,
  );
  const parts: string[] = [];
  const mask: Polygon[] = [];
  const haloColor = hex(hsl(random.range(46, 56), random.range(0.75, 0.92), random.range(0.54, 0.62)));
  for (const spot of spots) {
    const { x, y } = spot.center;
    const haloRadius = spot.radius * random.range(1.7, 2.2);
    const halo = doc.radialGradient(x, y, haloRadius, [
      [0, haloColor, 0.95],
      [0.5, haloColor, 0.85],
      [1, haloColor, 0],
    ]);
    parts.push(element("circle", { cx: x, cy: y, r: haloRadius, fill: halo }));
    const core = outline(random, spot, 0.06, 20);
    const coreFill = doc.radialGradient(x, y, spot.radius, [
      [0, hex(hsl(random.range(12, 22), random.range(0.75, 0.9), random.range(0.36, 0.44)))],
      [0.6, hex(hsl(random.range(22, 30), random.range(0.85, 0.95), random.range(0.46, 0.52)))],
      [1, hex(hsl(random.range(30, 38), random.range(0.85, 0.95), random.range(0.52, 0.58)))],
    ]);
    parts.push(element("path", { d: polygonPath(core), fill: coreFill }));
    const dots = Array.from({ length: random.int(2, 7) }, () => {
      const angle = random.range(0, 2 * Math.PI);
      const r = spot.radius * random.range(0, 0.45);
      return element("circle", {
        cx: x + Math.cos(angle) * r,
        cy: y + Math.sin(angle) * r,
        r: Math.max(0.35, spot.radius * random.range(0.07, 0.13)),
      });
    });
    parts.push(element("g", { fill: "#4a1a08", "fill-opacity": random.range(0.5, 0.85) }, dots.join("")));
    mask.push(scalePolygon(core, spot.center, 1.4));
  }
  return { markup: parts.join(""), mask, tints: [], overlays: [], softness: 0 };
}

/** Apple scab: olive-brown to black velvety blotches with ragged, feathered margins and small satellites. */
export function scab(context: LesionContext): Lesions {
  const { doc, leaf, random } = context;
  const spots = scatter(
    context,
    lesionCount(context, 3, 10),
    () => Math.max(4, leaf.length * random.range(0.028, 0.07)),
    0.8,
    0.9,
  );
  const parts: string[] = [];
  const mask: Polygon[] = [];
  const hue = random.range(45, 68);
  const leafLightness = lightness(context.drawn.color);
  for (const spot of spots) {
    const darkness = random.range(0, 1);
    const edge = hsl(hue, random.range(0.28, 0.45), Math.min(0.28 - darkness * 0.1, leafLightness * 0.62));
    const middle = hsl(
      hue - 10,
      random.range(0.22, 0.35),
      Math.min(0.16 - darkness * 0.08, leafLightness * 0.4),
    );
    const body = outline(random, spot, random.range(0.18, 0.32), 44, random.range(1, 1.6));
    const satellites = Array.from({ length: random.int(0, 6) }, () => {
      const angle = random.range(0, 2 * Math.PI);
      const reach = spot.radius * random.range(1.1, 1.7);
      return outline(
        random,
        {
          center: { x: spot.center.x + Math.cos(angle) * reach, y: spot.center.y + Math.sin(angle) * reach },
          radius: Math.max(1.1, spot.radius * random.range(0.12, 0.3)),
        },
        0.25,
        12,
      );
    });
    const shapes = [body, ...satellites];
    const d = shapes.map(polygonPath).join("");
    const fill = doc.radialGradient(spot.center.x, spot.center.y, spot.radius * 1.3, [
      [0, hex(middle), 1],
      [0.55, hex(mix(middle, edge, 0.5)), 0.97],
      [1, hex(edge), 0.85],
    ]);
    const feather = [1.32, 1.16].map((factor, i) =>
      element("path", {
        d: polygonPath(scalePolygon(body, spot.center, factor)),
        fill: hex(edge),
        "fill-opacity": random.range(0.12, 0.22) * (i + 1),
      }),
    );
    parts.push(feather.join("") + element("path", { d, fill }));
    mask.push(...shapes);
  }
  const overlays = [
    textureOverlay(random, "grain", random.range(0.25, 0.5), random.range(0.2, 0.35)),
    textureOverlay(random, "mottle", random.range(0.15, 0.3), random.range(0.1, 0.25)),
  ];
  return { markup: parts.join(""), mask, tints: [], overlays, softness: 0.6 };
}

/** Frog-eye leaf spot: round spots with a pale tan centre, a faint concentric ring and a dark purple margin. */
export function frogEyeLeafSpot(context: LesionContext): Lesions {
  const { doc, leaf, random } = context;
  const spots = scatter(
    context,
    lesionCount(context, 2, 12),
    () => Math.max(3, leaf.length * random.range(0.02, 0.04)),
    0.85,
    1.25,
  );
  const parts: string[] = [];
  const mask: Polygon[] = [];
  const marginHue = random.range(325, 355);
  for (const spot of spots) {
    const { x, y } = spot.center;
    const margin = hsl(marginHue + random.range(-5, 5), random.range(0.3, 0.5), random.range(0.17, 0.26));
    const tan = hsl(random.range(28, 42), random.range(0.25, 0.45), random.range(0.56, 0.7));
    const fade = doc.radialGradient(x, y, spot.radius * 1.35, [
      [0.7, hex(margin), 0.6],
      [1, hex(margin), 0],
    ]);
    parts.push(element("circle", { cx: x, cy: y, r: spot.radius * 1.35, fill: fade }));
    const rim = outline(random, spot, 0.05, 24);
    parts.push(element("path", { d: polygonPath(rim), fill: hex(margin) }));
    const inner = scalePolygon(rim, spot.center, random.range(0.58, 0.74));
    const centreFill = doc.radialGradient(x, y, spot.radius * 0.7, [
      [0, hex(shade(tan, 1.08))],
      [0.6, hex(tan)],
      [1, hex(mix(tan, margin, 0.35))],
    ]);
    parts.push(element("path", { d: polygonPath(inner), fill: centreFill }));
    parts.push(
      element("circle", {
        cx: x,
        cy: y,
        r: spot.radius * random.range(0.3, 0.42),
        fill: "none",
        stroke: hex(shade(tan, 0.7)),
        "stroke-width": Math.max(0.3, spot.radius * 0.07),
        "stroke-opacity": random.range(0.3, 0.55),
      }),
    );
    mask.push(rim);
  }
  return { markup: parts.join(""), mask, tints: [], overlays: [], softness: 0 };
}

/**
 * Powdery mildew: diffuse whitish-grey felt patches over slightly yellowed tissue. Nothing is drawn in SVG:
 * the patches are tinted and textured on the pixels through their softened mask, which is far cheaper than
 * an SVG blur over a large area.
 */
export function powderyMildew(context: LesionContext): Lesions {
  const { leaf, drawn, random } = context;
  const spots = scatter(
    context,
    lesionCount(context, 1, 4),
    () => leaf.length * random.range(0.07, 0.17),
    0.6,
    0.6,
  );
  const mask = spots.map((spot) => outline(random, spot, random.range(0.2, 0.32), 36, random.range(1, 1.7)));
  const meanRadius = spots.reduce((sum, s) => sum + s.radius, 0) / spots.length;
  return {
    markup: "",
    mask,
    tints: [
      {
        color: mix(drawn.color, parseHex("#d9dc9a"), random.range(0.3, 0.5)),
        amount: random.range(0.3, 0.5),
      },
      { color: parseHex("#eef0e8"), amount: random.range(0.25, 0.45) },
    ],
    overlays: [
      textureOverlay(random, "felt", random.range(0.3, 0.6), random.range(0.7, 1.1), { mode: "whiten" }),
      textureOverlay(random, "speckle", random.range(0.3, 0.6), random.range(0.4, 0.8), { mode: "whiten" }),
    ],
    softness: Math.max(1.2, meanRadius * random.range(0.08, 0.14)),
  };
}

/** The painter of each disease. */
export const LESION_PAINTERS: Readonly<Record<Disease, (context: LesionContext) => Lesions>> = {
  scab,
  frog_eye_leaf_spot: frogEyeLeafSpot,
  rust,
  powdery_mildew: powderyMildew,
};
