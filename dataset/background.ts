import { hex, hsl, mix, shade, type Rgb } from "./color.js";
import { DESIGN_SIZE, num, polygonPath } from "./geometry.js";
import { createLeafShape } from "./leaf-shape.js";
import type { Random } from "./random.js";
import { element, type SvgDocument } from "./svg.js";
import { textureOverlay, type TextureOverlay } from "./texture-overlay.js";

/** The kinds of scene behind the leaf. */
export type BackgroundKind = "soil" | "grass" | "sky" | "clutter" | "foliage";

/** Every background kind, in a fixed order. */
export const BACKGROUND_KINDS: readonly BackgroundKind[] = ["soil", "grass", "sky", "clutter", "foliage"];

/**
 * Which background was drawn, the textures to lay over it and how much to blur it afterwards (Gaussian
 * deviation in design units).
 */
export interface Background {
  readonly kind: BackgroundKind;
  readonly overlays: readonly TextureOverlay[];
  readonly blur: number;
}

const S = DESIGN_SIZE;

function fillFrame(doc: SvgDocument, fill: string, opacity?: number): void {
  doc.draw(element("rect", { width: S, height: S, fill, "fill-opacity": opacity }));
}

function softBlob(doc: SvgDocument, random: Random, color: Rgb, radius: number, opacity: number): void {
  const x = random.range(-0.1, 1.1) * S;
  const y = random.range(-0.1, 1.1) * S;
  const fill = doc.boxGradient([
    [0, hex(color), opacity],
    [0.6, hex(color), opacity * 0.8],
    [1, hex(color), 0],
  ]);
  doc.draw(
    element("ellipse", {
      cx: x,
      cy: y,
      rx: radius * random.range(0.6, 1.4),
      ry: radius * random.range(0.6, 1.4),
      transform: `rotate(${num(random.range(0, 180))} ${num(x)} ${num(y)})`,
      fill,
    }),
  );
}

/** Bare soil: brown clods, grain and a scatter of pebbles and twigs. */
function soil(doc: SvgDocument, random: Random, overlays: TextureOverlay[]): number {
  const base = hsl(random.range(20, 40), random.range(0.18, 0.4), random.range(0.18, 0.36));
  fillFrame(doc, hex(base));
  overlays.push(textureOverlay(random, "clouds", random.range(0.8, 1.6), random.range(0.3, 0.6)));
  overlays.push(textureOverlay(random, "mottle", random.range(0.4, 0.8), random.range(0.3, 0.5)));
  overlays.push(textureOverlay(random, "grain", random.range(0.5, 1), random.range(0.3, 0.6)));
  const pebbles = Array.from({ length: random.int(8, 40) }, () => {
    const x = random.range(0, S);
    const y = random.range(0, S);
    const r = random.range(1.5, 7);
    const tone = random.range(0.6, 1.5);
    const fill = doc.radialGradient(x - r * 0.3, y - r * 0.3, r * 1.3, [
      [0, hex(shade(mix(base, { r: 150, g: 145, b: 135 }, 0.5), tone * 1.2))],
      [1, hex(shade(base, tone * 0.7))],
    ]);
    return element("ellipse", {
      cx: x,
      cy: y,
      rx: r,
      ry: r * random.range(0.5, 1),
      transform: `rotate(${num(random.range(0, 180))} ${num(x)} ${num(y)})`,
      fill,
    });
  });
  doc.draw(pebbles.join(""));
  const twigs = Array.from({ length: random.int(0, 4) }, () => {
    const x = random.range(0, S);
    const y = random.range(0, S);
    const angle = random.range(0, 2 * Math.PI);
    const length = random.range(20, 90);
    return element("path", {
      d: `M${num(x)} ${num(y)}q${num(length * 0.5)} ${num(random.range(-8, 8))} ${num(Math.cos(angle) * length)} ${num(Math.sin(angle) * length)}`,
      stroke: hex(shade(base, random.range(0.5, 1.4))),
      "stroke-width": random.range(1, 3),
      fill: "none",
    });
  });
  doc.draw(twigs.join(""));
  return random.range(0.4, 1.6);
}

/** Out-of-focus lawn: a green base, streaky texture and many thin blades. */
function grass(doc: SvgDocument, random: Random, overlays: TextureOverlay[]): number {
  const base = hsl(random.range(65, 110), random.range(0.3, 0.55), random.range(0.18, 0.34));
  fillFrame(doc, hex(base));
  const lean = random.range(-20, 20);
  overlays.push(
    textureOverlay(random, "streaks", random.range(0.8, 1.6), random.range(0.15, 0.3), {
      angle: (lean * Math.PI) / 180,
    }),
  );
  overlays.push(textureOverlay(random, "clouds", random.range(1, 2), random.range(0.2, 0.4)));
  const blades = Array.from({ length: random.int(40, 90) }, () => {
    const x = random.range(-10, S + 10);
    const y = random.range(0, S + 30);
    const height = random.range(25, 80);
    const tilt = Math.tan(((lean + random.range(-15, 15)) * Math.PI) / 180) * height;
    return element("path", {
      d: `M${num(x)} ${num(y)}q${num(tilt * 0.3)} ${num(-height * 0.5)} ${num(tilt)} ${num(-height)}`,
      stroke: hex(
        shade(mix(base, hsl(random.range(55, 100), 0.5, 0.45), random.range(0, 0.6)), random.range(0.6, 1.4)),
      ),
      "stroke-width": random.range(0.8, 2.5),
      "stroke-opacity": random.range(0.4, 0.9),
      fill: "none",
    });
  });
  doc.draw(blades.join(""));
  return random.range(1.2, 3.5);
}

/** Sky seen through the canopy: a blue or overcast gradient, clouds and a few dark out-of-focus leaves. */
function sky(doc: SvgDocument, random: Random, overlays: TextureOverlay[]): number {
  const overcast = random.chance(0.35);
  const top = overcast
    ? hsl(random.range(200, 220), 0.1, random.range(0.7, 0.82))
    : hsl(random.range(200, 215), random.range(0.45, 0.7), random.range(0.55, 0.7));
  const bottom = mix(top, { r: 240, g: 244, b: 248 }, random.range(0.3, 0.7));
  const angle = random.range(0, 2 * Math.PI);
  fillFrame(
    doc,
    doc.linearGradient(
      S / 2 - Math.cos(angle) * S * 0.6,
      S / 2 - Math.sin(angle) * S * 0.6,
      S / 2 + Math.cos(angle) * S * 0.6,
      S / 2 + Math.sin(angle) * S * 0.6,
      [
        [0, hex(top)],
        [1, hex(bottom)],
      ],
    ),
  );
  overlays.push(
    textureOverlay(random, "clouds", random.range(1.2, 2.4), random.range(0.2, 0.6), { mode: "whiten" }),
  );
  for (let i = random.int(0, 6); i > 0; i--) {
    softBlob(
      doc,
      random,
      hsl(random.range(80, 130), random.range(0.2, 0.4), random.range(0.1, 0.22)),
      random.range(20, 60),
      0.9,
    );
  }
  return random.range(1, 3);
}

/** Blurred orchard clutter: soft blobs of foliage, bark, sky and shade, crossed by branches. */
function clutter(doc: SvgDocument, random: Random, overlays: TextureOverlay[]): number {
  const palette: Rgb[] = [
    hsl(random.range(80, 130), random.range(0.2, 0.5), random.range(0.12, 0.3)),
    hsl(random.range(25, 40), random.range(0.15, 0.35), random.range(0.15, 0.35)),
    hsl(random.range(0, 360), random.range(0, 0.12), random.range(0.3, 0.7)),
    hsl(random.range(190, 215), random.range(0.2, 0.5), random.range(0.65, 0.85)),
  ];
  fillFrame(doc, hex(mix(palette[0], palette[1], random.range(0, 1))));
  for (let i = random.int(12, 30); i > 0; i--) {
    softBlob(doc, random, random.pick(palette), random.range(15, 70), random.range(0.5, 1));
  }
  const branches = Array.from({ length: random.int(1, 5) }, () => {
    const y0 = random.range(0, S);
    const y1 = random.range(0, S);
    return element("path", {
      d: `M-10 ${num(y0)}Q${num(S / 2)} ${num(random.range(0, S))} ${S + 10} ${num(y1)}`,
      stroke: hex(shade(palette[1], random.range(0.5, 1.2))),
      "stroke-width": random.range(3, 14),
      fill: "none",
      transform: `rotate(${num(random.range(0, 180))} ${S / 2} ${S / 2})`,
    });
  });
  doc.draw(branches.join(""));
  overlays.push(textureOverlay(random, "mottle", random.range(1, 2), random.range(0.15, 0.35)));
  return random.range(2.5, 6);
}

/** Other leaves of the tree, out of focus, overlapping each other. */
function foliage(doc: SvgDocument, random: Random, overlays: TextureOverlay[]): number {
  const base = hsl(random.range(80, 125), random.range(0.2, 0.45), random.range(0.08, 0.2));
  fillFrame(doc, hex(base));
  overlays.push(textureOverlay(random, "clouds", random.range(1, 2), random.range(0.3, 0.5)));
  for (let i = random.int(4, 10); i > 0; i--) {
    const leaf = createLeafShape(random);
    const color = hsl(random.range(70, 125), random.range(0.2, 0.5), random.range(0.15, 0.4));
    doc.draw(
      element("path", {
        d: polygonPath(leaf.outline),
        fill: hex(color),
        "fill-opacity": random.range(0.7, 1),
      }),
    );
    doc.draw(
      element("path", { d: polygonPath(leaf.midrib), fill: hex(shade(color, 1.3)), "fill-opacity": 0.5 }),
    );
  }
  return random.range(2, 5);
}

type Painter = (doc: SvgDocument, random: Random, overlays: TextureOverlay[]) => number;

const PAINTERS: Readonly<Record<BackgroundKind, Painter>> = {
  soil,
  grass,
  sky,
  clutter,
  foliage,
};

/** Draws a random background (or the given kind) filling the whole frame. */
export function drawBackground(doc: SvgDocument, random: Random, kind?: BackgroundKind): Background {
  const chosen = kind ?? random.pick(BACKGROUND_KINDS);
  const overlays: TextureOverlay[] = [];
  const blur = PAINTERS[chosen](doc, random, overlays);
  return { kind: chosen, overlays, blur };
}
