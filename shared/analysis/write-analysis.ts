import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Summary } from "../schema/summary.js";
import { SUMMARY_FILE } from "../storage/artifact-paths.js";

/** Writes the artifacts under `folder`, then summary.json last, so a summary always means a complete result. */
export async function writeAnalysisToFolder(
  folder: string,
  summary: Summary,
  artifacts: ReadonlyMap<string, Uint8Array> = new Map(),
): Promise<void> {
  for (const [path, bytes] of artifacts) {
    const file = join(folder, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}
