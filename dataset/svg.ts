import { num } from "./geometry.js";

/** Numbers are formatted with {@link num}; strings are inserted verbatim (they must not contain quotes). */
export type Attributes = Readonly<Record<string, string | number | undefined>>;

/** One SVG element as text; undefined attributes are left out. */
export function element(name: string, attributes: Attributes, children = ""): string {
  const text = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}="${typeof value === "number" ? num(value) : value}"`)
    .join(" ");
  return children ? `<${name} ${text}>${children}</${name}>` : `<${name} ${text}/>`;
}

/** A gradient stop: offset 0..1, colour, opacity 0..1. */
export type Stop = readonly [offset: number, color: string, opacity?: number];

const stops = (list: readonly Stop[]) =>
  list
    .map(([offset, color, opacity]) =>
      element("stop", { offset: num(offset), "stop-color": color, "stop-opacity": opacity }),
    )
    .join("");

/**
 * Accumulates the definitions and drawing of one SVG document in design units (viewBox 256 × 256) and
 * hands out unique ids, so the drawing modules never collide.
 */
export class SvgDocument {
  private readonly defs: string[] = [];
  private readonly body: string[] = [];
  private counter = 0;

  constructor(readonly designSize: number) {}

  /** A fresh id with a readable prefix. */
  id(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  /** Appends drawing to the body. */
  draw(markup: string): void {
    this.body.push(markup);
  }

  /** Appends a definition and returns `url(#id)` for it. */
  define(prefix: string, build: (id: string) => string): string {
    const id = this.id(prefix);
    this.defs.push(build(id));
    return `url(#${id})`;
  }

  /** A linear gradient in design coordinates. */
  linearGradient(x1: number, y1: number, x2: number, y2: number, list: readonly Stop[]): string {
    return this.define("lg", (id) =>
      element("linearGradient", { id, gradientUnits: "userSpaceOnUse", x1, y1, x2, y2 }, stops(list)),
    );
  }

  /** A radial gradient in design coordinates, optionally with an off-centre focal point. */
  radialGradient(cx: number, cy: number, r: number, list: readonly Stop[], fx = cx, fy = cy): string {
    return this.define("rg", (id) =>
      element("radialGradient", { id, gradientUnits: "userSpaceOnUse", cx, cy, r, fx, fy }, stops(list)),
    );
  }

  /** A radial gradient filling each shape's own bounding box (centre to edge). */
  boxGradient(list: readonly Stop[]): string {
    return this.define("bg", (id) => element("radialGradient", { id }, stops(list)));
  }

  /** An elliptical radial gradient: radii rx, ry, long axis rotated by `angle` degrees. */
  ellipticalGradient(
    cx: number,
    cy: number,
    rx: number,
    ry: number,
    angle: number,
    list: readonly Stop[],
  ): string {
    return this.define("eg", (id) =>
      element(
        "radialGradient",
        {
          id,
          gradientUnits: "userSpaceOnUse",
          cx: 0,
          cy: 0,
          r: 1,
          gradientTransform: `translate(${num(cx)} ${num(cy)}) rotate(${num(angle)}) scale(${num(rx)} ${num(ry)})`,
        },
        stops(list),
      ),
    );
  }

  /** A clip path from SVG path data. */
  clipPath(d: string): string {
    return this.define("cp", (id) => element("clipPath", { id }, element("path", { d })));
  }

  /** The finished document, rasterized at `pixels` × `pixels`. */
  toString(pixels: number): string {
    const size = this.designSize;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" viewBox="0 0 ${size} ${size}">` +
      `<defs>${this.defs.join("")}</defs>${this.body.join("")}</svg>`
    );
  }
}
