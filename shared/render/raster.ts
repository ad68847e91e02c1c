import sharp from "sharp";

/** A packed 8-bit RGB image. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Encodes a raster as PNG. */
export function encodePng({ width, height, rgb }: Raster): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** `(1 − alpha) · base + alpha · layer`, pixel by pixel (the seed's `imshow(mask, alpha=0.4)` over the image). */
export function blend(base: Raster, layer: Raster, alpha: number): Raster {
  if (base.width !== layer.width || base.height !== layer.height) {
    throw new RangeError(`cannot blend ${layer.width}×${layer.height} over ${base.width}×${base.height}`);
  }
  const rgb = new Uint8Array(base.rgb.length);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.round((1 - alpha) * base.rgb[i] + alpha * layer.rgb[i]);
  return { width: base.width, height: base.height, rgb };
}

/** Places rasters of equal height side by side. */
export function sideBySide(rasters: readonly Raster[]): Raster {
  const height = rasters[0].height;
  const width = rasters.reduce((sum, raster) => sum + raster.width, 0);
  const rgb = new Uint8Array(width * height * 3);
  let left = 0;
  for (const raster of rasters) {
    for (let y = 0; y < height; y++) {
      rgb.set(raster.rgb.subarray(y * raster.width * 3, (y + 1) * raster.width * 3), (y * width + left) * 3);
    }
    left += raster.width;
  }
  return { width, height, rgb };
}
