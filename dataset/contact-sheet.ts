import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { formatLabels, parseCsv, type Label } from "./labels.js";

/** What to put on a contact sheet. */
export interface ContactSheetOptions {
  /** A directory written by the generator. */
  readonly dir: string;
  readonly splitName?: string;
  /** How many images, from the top of the CSV (default 12). */
  readonly count?: number;
  readonly columns?: number;
  /** Tile side in pixels (default 256). */
  readonly tile?: number;
  /** Tint each image's lesion masks magenta, to check they sit on the lesions. */
  readonly overlay?: boolean;
  readonly out: string;
}

const CAPTION = 28;

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Short label names, so a caption fits under a small tile. */
const SHORT: Readonly<Record<string, string>> = {
  frog_eye_leaf_spot: "frog_eye",
  powdery_mildew: "mildew",
};

const caption = (labels: readonly Label[]) =>
  formatLabels(labels)
    .split(" ")
    .map((word) => SHORT[word] ?? word)
    .join(" ");

/** One image scaled to the tile, with its lesion masks tinted if asked. */
async function tileImage(dir: string, image: string, tile: number, overlay: boolean): Promise<Buffer> {
  const id = image.replace(/\.jpg$/, "");
  const { data, info } = await sharp(join(dir, "images", image))
    .resize(tile, tile)
    .removeAlpha()
    .raw()
    .toBuffer({
      resolveWithObject: true,
    });
  const maskDir = join(dir, "masks", id);
  if (overlay && existsSync(maskDir)) {
    for (const file of (await readdir(maskDir)).filter((f) => f !== "complex.png")) {
      const mask = await sharp(join(maskDir, file))
        .resize(tile, tile, { kernel: "nearest" })
        .extractChannel(0)
        .raw()
        .toBuffer();
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] < 128) continue;
        data[i * 3] = Math.round(data[i * 3] * 0.5 + 255 * 0.5);
        data[i * 3 + 1] = Math.round(data[i * 3 + 1] * 0.5);
        data[i * 3 + 2] = Math.round(data[i * 3 + 2] * 0.5 + 255 * 0.5);
      }
    }
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Writes a PNG grid of the first images of a split, each captioned with its position, id and labels. */
export async function contactSheet(options: ContactSheetOptions): Promise<string> {
  const { dir, splitName = "train", count = 12, columns = 4, tile = 256, overlay = false, out } = options;
  const rows = parseCsv(await readFile(join(dir, `${splitName}.csv`), "utf8")).slice(0, count);
  const cellHeight = tile + CAPTION;
  const lines = Math.ceil(rows.length / columns);
  const tiles = await Promise.all(rows.map((row) => tileImage(dir, row.image, tile, overlay)));
  const captions = rows
    .map((row, i) => {
      const x = (i % columns) * tile + 4;
      const y = Math.floor(i / columns) * cellHeight + tile + 11;
      return (
        `<text x="${x}" y="${y}">${i + 1}. ${escapeXml(row.image)}</text>` +
        `<text x="${x}" y="${y + 13}" font-weight="bold">${escapeXml(caption(row.labels))}</text>`
      );
    })
    .join("");
  const text = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${columns * tile}" height="${lines * cellHeight}" font-family="DejaVu Sans" font-size="11" fill="#111">${captions}</svg>`,
  );
  await sharp({
    create: { width: columns * tile, height: lines * cellHeight, channels: 3, background: "#fff" },
  })
    .composite([
      ...tiles.map((input, i) => ({
        input,
        left: (i % columns) * tile,
        top: Math.floor(i / columns) * cellHeight,
      })),
      { input: text, left: 0, top: 0 },
    ])
    .png()
    .toFile(out);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "split-name": { type: "string", default: "train" },
      count: { type: "string", default: "12" },
      columns: { type: "string", default: "4" },
      tile: { type: "string", default: "256" },
      overlay: { type: "boolean", default: false },
      out: { type: "string" },
    },
  });
  const dir = positionals[0];
  if (!dir) {
    console.log(
      "usage: tsx dataset/contact-sheet.ts DIR [--count 12] [--columns 4] [--tile 256] [--overlay] [--out FILE]",
    );
    process.exitCode = 2;
  } else {
    const written = await contactSheet({
      dir,
      splitName: values["split-name"],
      count: Number(values.count),
      columns: Number(values.columns),
      tile: Number(values.tile),
      overlay: values.overlay,
      out: values.out ?? join(dir, values.overlay ? "contact-overlay.png" : "contact.png"),
    });
    console.log(written);
  }
}
