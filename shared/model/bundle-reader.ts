import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { BadModelError } from "../errors.js";

/** Reads the files of one model bundle, wherever it lives. */
export interface BundleReader {
  /** Where the bundle is, for messages and summaries: a path or an s3:// URI. */
  readonly location: string;
  read(name: string): Promise<Uint8Array>;
}

/** A bundle in a local folder. */
export function localBundleReader(folder: string): BundleReader {
  return {
    location: folder,
    async read(name) {
      try {
        return await readFile(join(folder, name));
      } catch (error) {
        throw new BadModelError(
          `model bundle ${folder} has no readable ${name}: ${(error as Error).message}`,
        );
      }
    },
  };
}

/** A bundle under `s3://bucket/prefix`. */
export function s3BundleReader(uri: string, s3: S3Client): BundleReader {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new BadModelError(`${JSON.stringify(uri)} is not an s3://bucket/prefix URI`);
  const [, bucket, prefix] = match;
  const base = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  return {
    location: uri,
    async read(name) {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${base}${name}` }));
      if (!response.Body) throw new BadModelError(`s3://${bucket}/${base}${name} is empty`);
      return response.Body.transformToByteArray();
    },
  };
}

/** The reader for a path or an s3:// URI. */
export function bundleReader(location: string, s3?: () => S3Client): BundleReader {
  if (!location.startsWith("s3://")) return localBundleReader(location);
  if (!s3) throw new BadModelError(`no S3 client to read the model bundle ${location}`);
  return s3BundleReader(location, s3());
}
