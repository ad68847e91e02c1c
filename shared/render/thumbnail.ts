import sharp from "sharp";
import type { Raster } from "./raster.js";

/** Encodes a raster as a JPEG whose longer side is at most `maxSide` pixels; small rasters are not enlarged. */
export function encodeThumbnail({ width, height, rgb }: Raster, maxSide: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
}
