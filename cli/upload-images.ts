import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { PREFIXES } from "../shared/storage/s3-layout.js";
import { putObject } from "../shared/storage/s3-objects.js";
import { encodeUploadMetadata } from "../shared/storage/upload-metadata.js";

/** What to say about each uploaded image, as object metadata the worker reads. */
export interface UploadOptions {
  /** Ground-truth labels by file name. */
  readonly labels?: ReadonlyMap<string, readonly string[]>;
  readonly targets?: readonly string[];
  readonly model?: string;
  /** A folder under uploads/ to put them in. */
  readonly folder?: string;
}

/** Puts each file under uploads/ and returns key → ETag. */
export async function uploadImages(
  s3: S3Client,
  bucket: string,
  files: readonly string[],
  options: UploadOptions = {},
): Promise<Map<string, string>> {
  const uploaded = new Map<string, string>();
  const folder = options.folder ? `${options.folder.replace(/^\/+|\/+$/g, "")}/` : "";
  for (const file of files) {
    const name = basename(file);
    const key = `${PREFIXES.uploads}${folder}${name}`;
    const labels = options.labels?.get(name);
    const metadata = encodeUploadMetadata({ labels, targets: options.targets, model: options.model });
    const etag = await putObject(s3, {
      Bucket: bucket,
      Key: key,
      Body: await readFile(file),
      Metadata: metadata,
    });
    uploaded.set(key, etag);
  }
  return uploaded;
}
