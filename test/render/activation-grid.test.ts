import { describe, expect, it } from "vitest";
import { channelStats, type LayerActivation } from "../../shared/engine/activations.js";
import {
  activationGrid,
  DEAD_CHANNEL_GREY,
  gridGeometry,
  normalizeChannel,
} from "../../shared/render/activation-grid.js";
import { VIRIDIS } from "../../shared/render/colormap-tables.js";

function activation(
  height: number,
  width: number,
  channels: number,
  value: (p: number, c: number) => number,
): LayerActivation {
  const values = new Float32Array(height * width * channels);
  for (let p = 0; p < height * width; p++)
    for (let c = 0; c < channels; c++) values[p * channels + c] = value(p, c);
  const stats = channelStats(values, height * width, channels);
  return {
    layer: "l",
    className: "Conv2D",
    shape: [height, width, channels],
    values,
    height,
    width,
    channels,
    stats,
    topChannels: [],
  };
}

const rgbAt = (rgb: Uint8Array, width: number, x: number, y: number) =>
  Array.from(rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
const hex = (color: number) => [color >> 16, (color >> 8) & 0xff, color & 0xff];

describe("gridGeometry", () => {
  it.each([
    [16, 16, 1],
    [20, 16, 2],
    [33, 16, 3],
    [5, 5, 1],
    [1, 1, 1],
  ])("keeps all %i channels: %i columns, %i rows", (channels, columns, rows) => {
    const geometry = gridGeometry(channels, 7, 9);
    expect([geometry.columns, geometry.rows]).toEqual([columns, rows]);
    expect(geometry.columns * geometry.rows).toBeGreaterThanOrEqual(channels);
    expect([geometry.width, geometry.height]).toEqual([columns * 9, rows * 7]);
  });
});

describe("activationGrid", () => {
  it("draws 20 channels in two rows, pads the last row, and draws dead channels mid-grey without NaN", () => {
    const layer = activation(4, 3, 20, (p, c) => (c === 17 ? 2.5 : Math.sin(p * (c + 1))));
    const grid = activationGrid(layer);
    expect([grid.width, grid.height]).toEqual([16 * 3, 2 * 4]);
    const deadLeft = (17 % 16) * 3;
    expect(rgbAt(grid.rgb, grid.width, deadLeft, 4)).toEqual([
      DEAD_CHANNEL_GREY,
      DEAD_CHANNEL_GREY,
      DEAD_CHANNEL_GREY,
    ]);
    expect(rgbAt(grid.rgb, grid.width, 16 * 3 - 1, 7)).toEqual([0, 0, 0]);
    const viridis = new Set(VIRIDIS);
    const firstTile = rgbAt(grid.rgb, grid.width, 0, 0);
    expect(viridis.has((firstTile[0] << 16) | (firstTile[1] << 8) | firstTile[2])).toBe(true);
  });

  it("normalizes as the seed: (x − mean) / std · 64 + 128, clipped to 0..255", () => {
    const values = Float32Array.from([0, 0, 0, 10]);
    const normalized = normalizeChannel(values, 4, 1, 0) as Float32Array;
    const mean = 2.5;
    const std = Math.sqrt((3 * 2.5 ** 2 + 7.5 ** 2) / 4);
    expect(normalized[0]).toBeCloseTo(((0 - mean) / std) * 64 + 128, 4);
    expect(normalized[3]).toBeCloseTo(((10 - mean) / std) * 64 + 128, 4);
    expect(normalizeChannel(Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 100]), 10, 1, 0)?.[9]).toBe(255);
    expect(normalizeChannel(Float32Array.from([3, 3, 3]), 3, 1, 0)).toBeUndefined();
  });

  it("maps the normalized middle (128) to viridis' middle colour", () => {
    const layer = activation(1, 3, 1, (p) => [-1, 0, 1][p]);
    const grid = activationGrid(layer);
    expect(rgbAt(grid.rgb, grid.width, 1, 0)).toEqual(hex(VIRIDIS[128]));
  });
});
