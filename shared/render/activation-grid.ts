import type { LayerActivation } from "../engine/activations.js";
import { colorInto } from "./colormaps.js";
import type { Raster } from "./raster.js";

/** Channels per grid row, as in the seed notebook. */
export const CHANNELS_PER_ROW = 16;
/** A dead channel (standard deviation 0) is drawn flat mid-grey instead of dividing by zero. */
export const DEAD_CHANNEL_GREY = 128;
/** Cells past the last channel are left black. */
const PADDING = 0;

/** Where each channel's tile sits in the grid. */
export interface GridGeometry {
  readonly columns: number;
  readonly rows: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
  readonly width: number;
  readonly height: number;
}

/** Every channel gets a tile: ceil(channels / 16) rows, the last one padded (the seed dropped the remainder). */
export function gridGeometry(channels: number, tileHeight: number, tileWidth: number): GridGeometry {
  const columns = Math.min(CHANNELS_PER_ROW, channels);
  const rows = Math.ceil(channels / CHANNELS_PER_ROW);
  return { columns, rows, tileWidth, tileHeight, width: columns * tileWidth, height: rows * tileHeight };
}

/**
 * The seed's display value of each position of one channel: (x − mean) / std · 64 + 128, clipped to 0..255.
 * Returns undefined for a dead channel (std 0).
 */
export function normalizeChannel(
  values: Float32Array,
  positions: number,
  channels: number,
  channel: number,
): Float32Array | undefined {
  let sum = 0;
  for (let p = 0; p < positions; p++) sum += values[p * channels + channel];
  const mean = sum / positions;
  let squares = 0;
  for (let p = 0; p < positions; p++) squares += (values[p * channels + channel] - mean) ** 2;
  const std = Math.sqrt(squares / positions);
  if (!(std > 0)) return undefined;
  const result = new Float32Array(positions);
  for (let p = 0; p < positions; p++) {
    result[p] = Math.min(255, Math.max(0, ((values[p * channels + channel] - mean) / std) * 64 + 128));
  }
  return result;
}

/** One layer's channels tiled 16 to a row, each normalized as in the seed and drawn in viridis. */
export function activationGrid(activation: LayerActivation): Raster & { geometry: GridGeometry } {
  const { height, width, channels, values } = activation;
  const geometry = gridGeometry(channels, height, width);
  const rgb = new Uint8Array(geometry.width * geometry.height * 3).fill(PADDING);
  for (let channel = 0; channel < channels; channel++) {
    const top = Math.floor(channel / CHANNELS_PER_ROW) * height;
    const left = (channel % CHANNELS_PER_ROW) * width;
    const normalized = normalizeChannel(values, height * width, channels, channel);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const offset = ((top + y) * geometry.width + left + x) * 3;
        if (normalized) colorInto("viridis", Math.round(normalized[y * width + x]) / 255, rgb, offset);
        else rgb.fill(DEAD_CHANNEL_GREY, offset, offset + 3);
      }
    }
  }
  return { width: geometry.width, height: geometry.height, rgb, geometry };
}
