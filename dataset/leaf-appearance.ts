import { hex, hsl, mix, parseHex, shade, type Rgb } from "./color.js";
import { polygonPath } from "./geometry.js";
import type { LeafShape } from "./leaf-shape.js";
import type { Random } from "./random.js";
import { element, type SvgDocument } from "./svg.js";
import { textureOverlay, type TextureOverlay } from "./texture-overlay.js";

/** What the lesion and distractor modules need to know about the drawn leaf. */
export interface DrawnLeaf {
  /** `url(#…)` of a clip path to the blade. */
  readonly clip: string;
  /** The blade's mean colour. */
  readonly color: Rgb;
  /** Surface texture, applied to the blade's pixels after rasterization. */
  readonly overlays: readonly TextureOverlay[];
}

/** A leaf colour: mostly healthy greens, sometimes yellowish or bluish-dark. */
export function leafColor(random: Random): Rgb {
  const kind = random.weighted([
    ["green", 0.62],
    ["dark", 0.18],
    ["yellowish", 0.2],
  ] as const);
  if (kind === "yellowish")
    return hsl(random.range(58, 80), random.range(0.4, 0.6), random.range(0.34, 0.46));
  if (kind === "dark") return hsl(random.range(95, 130), random.range(0.35, 0.55), random.range(0.18, 0.26));
  return hsl(random.range(80, 115), random.range(0.32, 0.6), random.range(0.25, 0.38));
}

/**
 * Draws the stalk, the blade with a lighting gradient and fold shading, the veins and a dark rim; the surface
 * mottling is returned as overlays for the pixels.
 */
export function drawLeaf(doc: SvgDocument, leaf: LeafShape, random: Random): DrawnLeaf {
  const color = leafColor(random);
  const outline = polygonPath(leaf.outline);
  const center = leaf.at(0.5, 0);
  const light = random.range(0, 2 * Math.PI);
  const reach = leaf.length * 0.45;
  const fill = doc.linearGradient(
    center.x - Math.cos(light) * reach,
    center.y - Math.sin(light) * reach,
    center.x + Math.cos(light) * reach,
    center.y + Math.sin(light) * reach,
    [
      [0, hex(shade(color, random.range(1.1, 1.3)))],
      [0.5, hex(color)],
      [1, hex(shade(color, random.range(0.72, 0.9)))],
    ],
  );
  const stalk = mix(color, parseHex("#7a5234"), random.range(0.2, 0.6));
  doc.draw(element("path", { d: polygonPath(leaf.petiole), fill: hex(stalk) }));
  doc.draw(element("path", { d: outline, fill }));
  doc.draw(
    element("path", {
      d: polygonPath(leaf.half),
      fill: random.chance(0.6) ? "#000" : "#fff",
      "fill-opacity": random.range(0.03, 0.12),
    }),
  );
  const veinColor = hex(mix(color, parseHex("#e6efa8"), random.range(0.3, 0.55)));
  doc.draw(
    element("path", {
      d: leaf.veins.map(polygonPath).join(""),
      fill: veinColor,
      "fill-opacity": random.range(0.3, 0.6),
    }),
  );
  doc.draw(
    element("path", {
      d: polygonPath(leaf.midrib),
      fill: veinColor,
      "fill-opacity": random.range(0.55, 0.85),
    }),
  );
  doc.draw(
    element("path", {
      d: outline,
      fill: "none",
      stroke: hex(shade(color, 0.55)),
      "stroke-width": random.range(0.5, 1),
      "stroke-opacity": random.range(0.35, 0.7),
    }),
  );
  const overlays = [
    textureOverlay(random, "mottle", random.range(0.3, 0.8), random.range(0.04, 0.12), {
      warmth: random.range(-0.3, 0.5),
    }),
    textureOverlay(random, "grain", random.range(0.4, 0.9), random.range(0.03, 0.08)),
  ];
  return { clip: doc.clipPath(outline), color, overlays };
}
