import sharp, { type Sharp } from "sharp";
import { drawBackground, type BackgroundKind } from "./background.js";
import {
  castShadow,
  DISTRACTOR_RATES,
  drawDroplets,
  drawGlare,
  drawSpecks,
  type CastShadow,
  type DistractorKind,
} from "./distractors.js";
import { DESIGN_SIZE, type Polygon } from "./geometry.js";
import { diseasesOf, type Label } from "./labels.js";
import { drawLeaf } from "./leaf-appearance.js";
import { createLeafShape } from "./leaf-shape.js";
import { applyLighting, createLighting, type Lighting, type ShadowLayer } from "./lighting.js";
import { LESION_PAINTERS, type Disease } from "./lesions.js";
import { alphaOver, applyTints, upscale, type Tint } from "./pixels.js";
import { encodeGreyPng } from "./png.js";
import { hashSeed, Random } from "./random.js";
import { intersectMask, rasterizePolygons, unionMasks } from "./rasterize.js";
import { SvgDocument } from "./svg.js";
import { applyOverlays, type TextureOverlay } from "./texture-overlay.js";
import { textureFields } from "./textures.js";

/** Which image to draw: everything about it follows from the seed, the index and the labels. */
export interface SampleSpec {
  readonly seed: number;
  readonly index: number;
  readonly labels: readonly Label[];
  /** Output side in pixels. */
  readonly size: number;
}

/** Diseases are painted in this order, so the diffuse mildew lies under the crisp spots. */
const PAINT_ORDER: readonly Disease[] = ["powdery_mildew", "scab", "frog_eye_leaf_spot", "rust"];

/** The lesions of one disease in a scene. */
export interface SceneLesions {
  readonly disease: Disease;
  readonly polygons: readonly Polygon[];
  readonly tints: readonly Tint[];
  readonly overlays: readonly TextureOverlay[];
  /** Blur of the mask (design units) that weights the tints and overlays. */
  readonly softness: number;
}

/** A sample as SVG layers, pixel textures and mask geometry, before rasterization. */
export interface SampleScene {
  /** Drawn at half resolution, textured, then scaled up and blurred by `blur` design units. */
  readonly background: {
    readonly svg: string;
    readonly pixels: number;
    readonly overlays: readonly TextureOverlay[];
    readonly blur: number;
    readonly kind: BackgroundKind;
  };
  /** The leaf with its lesions, at full resolution and never blurred; textured once rasterized. */
  readonly subject: string;
  /** Glare, droplets and specks, laid over the textured leaf; undefined when there are none. */
  readonly surface?: string;
  /** Light over the whole picture. */
  readonly lighting: Lighting;
  /** A shadow across the picture, if any. */
  readonly shadow?: CastShadow;
  readonly leafOutline: Polygon;
  /** Texture of the blade's surface. */
  readonly leafOverlays: readonly TextureOverlay[];
  /** In paint order. */
  readonly lesions: readonly SceneLesions[];
  readonly distractors: readonly DistractorKind[];
  /** Sensor grain deviation (0..255), channel gains, final defocus (design units) and the grain's seed. */
  readonly finish: {
    readonly grain: number;
    readonly gains: readonly [number, number, number];
    readonly defocus: number;
    readonly seed: number;
  };
}

/** Builds the SVG layers, textures and mask geometry of a sample. */
export function composeScene(spec: SampleSpec): SampleScene {
  const root = new Random(hashSeed(spec.seed, "sample", spec.index));
  const scene = root.fork("scene");
  const light = scene.range(0, 2 * Math.PI);
  const distractors = (Object.keys(DISTRACTOR_RATES) as DistractorKind[]).filter((kind) =>
    scene.chance(DISTRACTOR_RATES[kind]),
  );

  const backgroundDoc = new SvgDocument(DESIGN_SIZE);
  const background = drawBackground(backgroundDoc, root.fork("background"));

  const subject = new SvgDocument(DESIGN_SIZE);
  const leaf = createLeafShape(root.fork("leaf-shape"));
  const drawn = drawLeaf(subject, leaf, root.fork("leaf-appearance"));
  const diseases = diseasesOf(spec.labels);
  const lesionRandom = root.fork("lesions");
  const severity = diseases.length > 1 ? lesionRandom.range(0.55, 0.85) : 1;
  const lesions: SceneLesions[] = [];
  const markup: string[] = [];
  for (const disease of PAINT_ORDER.filter((d) => diseases.includes(d))) {
    const painted = LESION_PAINTERS[disease]({
      doc: subject,
      leaf,
      drawn,
      random: lesionRandom.fork(disease),
      severity,
    });
    if (painted.markup) markup.push(painted.markup);
    lesions.push({
      disease,
      polygons: painted.mask,
      tints: painted.tints,
      overlays: painted.overlays,
      softness: painted.softness,
    });
  }
  if (markup.length > 0) subject.draw(`<g clip-path="${drawn.clip}">${markup.join("")}</g>`);
  const extras = root.fork("distractors");
  const surface = new SvgDocument(DESIGN_SIZE);
  const onSurface = distractors.filter((kind) => kind !== "shadow");
  if (distractors.includes("glare")) drawGlare(surface, extras.fork("glare"), leaf);
  if (distractors.includes("droplets")) drawDroplets(surface, extras.fork("droplets"), leaf, light);
  if (distractors.includes("specks")) drawSpecks(surface, extras.fork("specks"));

  const shadow = distractors.includes("shadow") ? castShadow(extras.fork("shadow")) : undefined;
  const lighting = createLighting(root.fork("lighting"), light);

  const backgroundPixels = Math.max(16, Math.round(spec.size / 2));
  const finishing = root.fork("finish");
  const gain = () => finishing.range(0.95, 1.05);
  return {
    background: {
      svg: backgroundDoc.toString(backgroundPixels),
      pixels: backgroundPixels,
      overlays: background.overlays,
      blur: background.blur,
      kind: background.kind,
    },
    subject: subject.toString(spec.size),
    surface: onSurface.length > 0 ? surface.toString(spec.size) : undefined,
    lighting,
    shadow,
    leafOutline: leaf.outline,
    leafOverlays: drawn.overlays,
    lesions,
    distractors,
    finish: {
      grain: finishing.range(1, 4),
      gains: [gain(), gain(), gain()],
      defocus: finishing.chance(0.2) ? finishing.range(0.4, 0.9) : 0,
      seed: finishing.uint32(),
    },
  };
}

/** A sample's masks: the leaf, each disease clipped to the leaf, and `complex` as their union if labelled. */
export interface SampleMasks {
  readonly leafMask: Uint8Array;
  readonly masks: ReadonlyMap<Label, Uint8Array>;
}

/** Rasterizes a scene's masks at `size` × `size` (255 inside, 0 outside). */
export function sceneMasks(scene: SampleScene, labels: readonly Label[], size: number): SampleMasks {
  const scale = size / DESIGN_SIZE;
  const leafMask = rasterizePolygons([scene.leafOutline], size, size, scale);
  const masks = new Map<Label, Uint8Array>();
  for (const lesion of scene.lesions) {
    masks.set(lesion.disease, intersectMask(rasterizePolygons(lesion.polygons, size, size, scale), leafMask));
  }
  if (labels.includes("complex")) masks.set("complex", unionMasks([...masks.values()], size * size));
  return { leafMask, masks };
}

/** A rendered sample: the JPEG, its masks, and what was drawn besides the lesions. */
export interface RenderedSample extends SampleMasks {
  readonly jpeg: Buffer;
  readonly size: number;
  readonly background: BackgroundKind;
  readonly distractors: readonly DistractorKind[];
}

/** sharp refuses deviations below 0.3; smaller blurs are skipped. */
const blurred = (image: Sharp, deviation: number) => (deviation >= 0.3 ? image.blur(deviation) : image);

const rawInput = (width: number, height: number, channels: 1 | 3 | 4) => ({
  raw: { width, height, channels },
});

/** Rasterizes an SVG layer to straight-alpha RGBA. */
function renderLayer(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
}

/** Blurs a one-byte-per-pixel square (sharp would otherwise hand back three channels). */
async function blurGrey(pixels: Uint8Array, side: number, deviation: number): Promise<Uint8Array> {
  if (deviation < 0.3) return pixels;
  return sharp(pixels, rawInput(side, side, 1))
    .blur(deviation)
    .extractChannel(0)
    .raw()
    .toBuffer();
}

/**
 * The background: drawn, textured and blurred at half resolution (it ends up blurred anyway, and blurring
 * the full-size image costs far more), then scaled up to packed RGB at full size.
 */
async function renderBackground(scene: SampleScene, size: number): Promise<Uint8Array> {
  const { svg, pixels, overlays, blur } = scene.background;
  const rgb = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  applyOverlays(rgb, 3, pixels, pixels, DESIGN_SIZE / pixels, overlays, textureFields());
  const soft = await blurred(sharp(rgb, rawInput(pixels, pixels, 3)), (blur * pixels) / DESIGN_SIZE)
    .raw()
    .toBuffer();
  return upscale(soft, pixels, size, 3);
}

/** The cast shadow as weights at full size: rasterized and blurred at a quarter of the resolution. */
async function renderShadow(shadow: CastShadow, size: number): Promise<ShadowLayer> {
  const pixels = Math.max(16, Math.round(size / 4));
  const hard = rasterizePolygons(shadow.polygons, pixels, pixels, pixels / DESIGN_SIZE);
  const soft = await blurGrey(hard, pixels, (shadow.blur * pixels) / DESIGN_SIZE);
  return { weights: upscale(soft, pixels, size, 1), opacity: shadow.opacity };
}

/** A lesion mask softened by `softness` design units, kept inside the leaf, as overlay weights. */
async function softWeights(
  mask: Uint8Array,
  leafMask: Uint8Array,
  size: number,
  softness: number,
): Promise<Uint8Array> {
  const deviation = (softness * size) / DESIGN_SIZE;
  return intersectMask(await blurGrey(mask, size, deviation), leafMask);
}

/** Adds sensor grain and applies channel gains to packed RGB pixels, in place. */
function finishPixels(pixels: Uint8Array, scene: SampleScene): void {
  const rgb = new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.length);
  const random = new Random(scene.finish.seed);
  const [gr, gg, gb] = scene.finish.gains;
  const amount = scene.finish.grain / 127.5;
  for (let i = 0; i < rgb.length; i += 3) {
    const bits = random.uint32();
    const shared = ((bits & 255) + ((bits >>> 8) & 255) + ((bits >>> 16) & 255) - 382.5) * amount;
    const chroma = ((bits >>> 24) - 127.5) * amount * 0.5;
    rgb[i] = rgb[i] * gr + shared + chroma;
    rgb[i + 1] = rgb[i + 1] * gg + shared;
    rgb[i + 2] = rgb[i + 2] * gb + shared - chroma;
  }
}

/**
 * Renders one sample to a JPEG of the given quality, with its masks. sharp rasterizes the SVG layers, blurs
 * and encodes; the compositing, textures, lighting and grain are done here on the pixels.
 */
export async function renderSample(spec: SampleSpec, quality = 90): Promise<RenderedSample> {
  const scene = composeScene(spec);
  const { size } = spec;
  const { leafMask, masks } = sceneMasks(scene, spec.labels, size);
  const [pixels, subject, surface, shadow, weights] = await Promise.all([
    renderBackground(scene, size),
    renderLayer(scene.subject),
    scene.surface === undefined ? undefined : renderLayer(scene.surface),
    scene.shadow ? renderShadow(scene.shadow, size) : undefined,
    Promise.all(
      scene.lesions.map((lesion) =>
        lesion.overlays.length + lesion.tints.length > 0
          ? softWeights(masks.get(lesion.disease) ?? leafMask, leafMask, size, lesion.softness)
          : undefined,
      ),
    ),
  ]);
  alphaOver(pixels, subject);
  const fields = textureFields();
  const unitsPerPixel = DESIGN_SIZE / size;
  applyOverlays(pixels, 3, size, size, unitsPerPixel, scene.leafOverlays, fields, leafMask);
  scene.lesions.forEach((lesion, i) => {
    const weight = weights[i];
    if (!weight) return;
    applyTints(pixels, weight, lesion.tints);
    applyOverlays(pixels, 3, size, size, unitsPerPixel, lesion.overlays, fields, weight);
  });
  if (surface) alphaOver(pixels, surface);
  applyLighting(pixels, size, scene.lighting, shadow);
  finishPixels(pixels, scene);
  const jpeg = await blurred(
    sharp(pixels, rawInput(size, size, 3)),
    (scene.finish.defocus * size) / DESIGN_SIZE,
  )
    .jpeg({ quality })
    .toBuffer();
  return { jpeg, size, leafMask, masks, background: scene.background.kind, distractors: scene.distractors };
}

/** Encodes a mask as an 8-bit greyscale PNG. */
export function encodeMask(mask: Uint8Array, size: number): Buffer {
  return encodeGreyPng(mask, size, size);
}
