import sharp, { type Metadata } from "sharp";
import type { PixelImage } from "../engine/baselines.js";
import { BadInputError } from "../errors.js";
import type { Raster } from "../render/raster.js";

/** The image formats cnn-lens explains. GIF (animation) and SVG (vector) are refused by design. */
export const SUPPORTED_FORMATS = ["jpeg", "png", "webp", "tiff"] as const;

/** The largest image, in pixels, that is decoded at all: larger ones are refused as decompression bombs. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** What the model needs of an image. */
export interface DecodeOptions {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** @default {@link DEFAULT_MAX_PIXELS} */
  readonly maxPixels?: number;
}

/** An image decoded, upright, and resized to the model's input. */
export interface DecodedImage extends PixelImage {
  /** The source as stored: its format and size before resizing. */
  readonly source: { readonly format: string; readonly width: number; readonly height: number };
  /** The resized image as RGB, for overlays. */
  readonly display: Raster;
}

/**
 * Decodes `bytes` for a model: refuses what is not a supported image or is over the pixel limit (reading only the
 * header), turns it upright by its EXIF orientation, converts 16-bit, greyscale, CMYK and alpha to 8-bit sRGB
 * (alpha is dropped, as Keras' `load_img` does), and resizes it to the input size bilinearly.
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedImage> {
  if (bytes.byteLength === 0) throw new BadInputError("the file is empty (0 bytes)");
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new BadInputError(`not a decodable image: ${(error as Error).message}`);
  }
  const format = metadata.format ?? "unknown";
  if (!(SUPPORTED_FORMATS as readonly string[]).includes(format)) {
    throw new BadInputError(`unsupported image format ${format}; use one of ${SUPPORTED_FORMATS.join(", ")}`);
  }
  const { width = 0, height = 0 } = metadata;
  const quarterTurn = (metadata.orientation ?? 1) >= 5;
  if (width * height > maxPixels) {
    throw new BadInputError(
      `image is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels}; downscale it first`,
    );
  }
  let rgb: Buffer;
  try {
    rgb = await sharp(bytes, { limitInputPixels: maxPixels, failOn: "error" })
      .rotate()
      .toColourspace("srgb")
      .removeAlpha()
      .resize(options.width, options.height, { fit: "fill", kernel: "linear" })
      .raw({ depth: "uchar" })
      .toBuffer();
  } catch (error) {
    throw new BadInputError(`the ${format} image could not be decoded: ${(error as Error).message}`);
  }
  const display: Raster = { width: options.width, height: options.height, rgb: new Uint8Array(rgb) };
  const pixels = options.channels === 3 ? Float32Array.from(rgb) : luminance(rgb);
  return {
    pixels,
    shape: [options.height, options.width, options.channels],
    source: { format, width: quarterTurn ? height : width, height: quarterTurn ? width : height },
    display,
  };
}

/** ITU-R BT.601 luma of packed RGB, as PIL's `convert("L")`. */
function luminance(rgb: Uint8Array): Float32Array {
  const result = new Float32Array(rgb.length / 3);
  for (let i = 0; i < result.length; i++) {
    result[i] = (rgb[i * 3] * 299 + rgb[i * 3 + 1] * 587 + rgb[i * 3 + 2] * 114) / 1000;
  }
  return result;
}
