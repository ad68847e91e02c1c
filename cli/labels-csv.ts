import { readFile } from "node:fs/promises";

/**
 * Reads labels in the Plant Pathology `train.csv` format: a header `image,labels`, then one line per image with
 * its labels space-separated (`healthy` for none). Returns image file name → labels.
 */
export async function readLabelsCsv(path: string): Promise<Map<string, string[]>> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  const labels = new Map<string, string[]>();
  if (text === undefined) return labels;
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (header?.trim() !== "image,labels") {
    throw new Error(`${path} must start with the header "image,labels", got ${JSON.stringify(header)}`);
  }
  for (const [i, line] of lines.entries()) {
    const comma = line.indexOf(",");
    if (comma < 1) throw new Error(`${path}:${i + 2}: expected "image,labels", got ${JSON.stringify(line)}`);
    labels.set(
      line.slice(0, comma).trim(),
      line
        .slice(comma + 1)
        .trim()
        .split(/\s+/)
        .filter(Boolean),
    );
  }
  return labels;
}
