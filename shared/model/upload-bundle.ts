import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { modelPrefixFor } from "../storage/s3-layout.js";
import { putObject } from "../storage/s3-objects.js";
import { localBundleReader } from "./bundle-reader.js";
import { loadModelBundle } from "./model-bundle.js";

/**
 * Checks a local bundle (it must load and fit its lens.json), then puts its files under `models/<name>/`,
 * lens.json last so that a reader never sees a lens without its weights.
 */
export async function uploadBundle(
  s3: S3Client,
  bucket: string,
  folder: string,
  name: string,
): Promise<string> {
  const prefix = modelPrefixFor(name);
  const bundle = await loadModelBundle(localBundleReader(folder));
  bundle.model.dispose();
  const files = (await readdir(folder))
    .filter((file) => !file.startsWith("."))
    .sort((a, b) => Number(a === "lens.json") - Number(b === "lens.json"));
  for (const file of files) {
    await putObject(s3, {
      Bucket: bucket,
      Key: `${prefix}${file}`,
      Body: await readFile(join(folder, file)),
      ContentType: file.endsWith(".json") ? "application/json" : "application/octet-stream",
    });
  }
  return `s3://${bucket}/${prefix}`;
}
