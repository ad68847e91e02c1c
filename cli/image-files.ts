import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";

/** Extensions taken from a folder: the supported formats, and the common ones that are refused with a reason. */
export const IMAGE_EXTENSIONS = [
  ".jpg",
  ".jpeg",
  ".png",
  ".webp",
  ".tif",
  ".tiff",
  ".gif",
  ".svg",
  ".bmp",
  ".heic",
];

/**
 * The files to analyze: each named file as it is (so a wrong file gets its own error), and from each named folder
 * its image files, sorted, recursively.
 */
export async function collectImageFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await imagesIn(path)));
    else files.push(path);
  }
  return files;
}

async function imagesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => IMAGE_EXTENSIONS.includes(extname(file).toLowerCase()))
    .sort();
}
