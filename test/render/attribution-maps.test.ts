import { describe, expect, it } from "vitest";
import {
  attributionMagnitude,
  attributionSigned,
  maskRaster,
  percentile,
  signedRaster,
} from "../../shared/render/attribution-maps.js";
import { INFERNO, RED_BLUE } from "../../shared/render/colormap-tables.js";
import { encodeNpy } from "../../shared/render/npy.js";
import { blend } from "../../shared/render/raster.js";

const hex = (color: number) => [color >> 16, (color >> 8) & 0xff, color & 0xff];
const rgbAt = (rgb: Uint8Array, i: number) => Array.from(rgb.subarray(i * 3, i * 3 + 3));

describe("attribution maps", () => {
  const attributions = Float32Array.from([1, -2, 0.5, -1, -1, -1]); // two pixels, three channels

  it("sums |attribution| and signed attribution over colour channels", () => {
    expect(Array.from(attributionMagnitude(attributions, [1, 2, 3]))).toEqual([3.5, 3]);
    expect(Array.from(attributionSigned(attributions, [1, 2, 3]))).toEqual([-0.5, -3]);
  });

  it("clips the mask at the 99th percentile so one outlier does not wash out the rest", () => {
    const magnitude = Float32Array.from({ length: 1000 }, (_, i) => (i === 999 ? 1e6 : i / 1000));
    expect(percentile(magnitude, 99)).toBeCloseTo(0.989, 6);
    const mask = maskRaster(magnitude, 1000, 1);
    expect(rgbAt(mask.rgb, 999)).toEqual(hex(INFERNO[255]));
    expect(rgbAt(mask.rgb, 0)).toEqual(hex(INFERNO[0]));
    expect(rgbAt(mask.rgb, 494)).toEqual(hex(INFERNO[Math.round((0.494 / 0.989) * 255)]));
  });

  it("draws signed maps symmetric about white zero", () => {
    const signed = signedRaster(Float32Array.from([-1, 0, 1]), 3, 1);
    expect(rgbAt(signed.rgb, 0)).toEqual(hex(RED_BLUE[0]));
    expect(rgbAt(signed.rgb, 1)).toEqual(hex(RED_BLUE[128]));
    expect(rgbAt(signed.rgb, 2)).toEqual(hex(RED_BLUE[255]));
  });

  it("draws an all-zero map without NaN", () => {
    const mask = maskRaster(new Float32Array(4), 2, 2);
    expect(rgbAt(mask.rgb, 3)).toEqual(hex(INFERNO[0]));
  });

  it("overlays at the seed's alpha", () => {
    const base = { width: 1, height: 1, rgb: Uint8Array.from([100, 200, 0]) };
    const layer = { width: 1, height: 1, rgb: Uint8Array.from([200, 0, 250]) };
    expect(Array.from(blend(base, layer, 0.4).rgb)).toEqual([140, 120, 100]);
  });
});

describe("encodeNpy", () => {
  it("writes a NumPy 1.0 header padded to 64 bytes, then little-endian float32", () => {
    const npy = encodeNpy(Float32Array.from([1.5, -2, 3, 4, 5, 6]), [1, 2, 3]);
    expect(npy.subarray(0, 8)).toEqual(Buffer.from([0x93, ...Buffer.from("NUMPY"), 1, 0]));
    const headerLength = npy.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    const header = npy.subarray(10, 10 + headerLength).toString("latin1");
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(1, 2, 3\), \} *\n$/);
    expect(npy.readFloatLE(10 + headerLength)).toBe(1.5);
    expect(npy.length).toBe(10 + headerLength + 24);
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values, got 5/);
  });
});
