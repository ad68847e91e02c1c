import { mulberry32 } from "../mulberry32.js";
import type { InputShape } from "./explained-function.js";

import { BASELINE_KINDS, type BaselineKind } from "../schema/explanation-vocabulary.js";

/** An image in pixel space (0..255), flat HWC. */
export interface PixelImage {
  readonly pixels: Float32Array;
  readonly shape: InputShape;
}

/** Options for the baselines that depend on more than the kind. */
export interface BaselineOptions {
  /** Standard deviation of the Gaussian blur, in pixels. @default width / 16 */
  readonly blurSigma?: number;
  /** Seed of the uniform noise, so that runs repeat. @default 0 */
  readonly seed?: number;
}

/** The default standard deviation of the `blur` baseline: a sixteenth of the image width, in pixels. */
export function blurSigmaFor(shape: InputShape): number {
  return shape[1] / 16;
}

/** Builds the baseline of `kind` for `image`, in pixel space (0..255). */
export function makeBaseline(
  kind: BaselineKind,
  image: PixelImage,
  options: BaselineOptions = {},
): Float32Array {
  const size = image.pixels.length;
  switch (kind) {
    case "black":
      return new Float32Array(size);
    case "white":
      return new Float32Array(size).fill(255);
    case "blur":
      return gaussianBlur(image, options.blurSigma ?? blurSigmaFor(image.shape));
    case "uniform": {
      const random = mulberry32(options.seed ?? 0);
      return Float32Array.from({ length: size }, () => random() * 255);
    }
    default:
      throw new RangeError(
        `unknown baseline ${JSON.stringify(kind)}; use one of ${BASELINE_KINDS.join(", ")}`,
      );
  }
}

/** A separable Gaussian blur with edges clamped, per channel. */
export function gaussianBlur({ pixels, shape }: PixelImage, sigma: number): Float32Array {
  const [height, width, channels] = shape;
  if (!(sigma > 0)) return pixels.slice();
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma ** 2)),
  );
  const total = kernel.reduce((a, b) => a + b, 0);
  const weights = kernel.map((k) => k / total);
  const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value));
  const horizontal = new Float32Array(pixels.length);
  const result = new Float32Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          sum += weights[k + radius] * pixels[(y * width + clamp(x + k, width - 1)) * channels + c];
        }
        horizontal[(y * width + x) * channels + c] = sum;
      }
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          sum += weights[k + radius] * horizontal[(clamp(y + k, height - 1) * width + x) * channels + c];
        }
        result[(y * width + x) * channels + c] = sum;
      }
    }
  }
  return result;
}
