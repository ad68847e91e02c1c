import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ListObjectsV2Command, type _Object, type S3Client } from "@aws-sdk/client-s3";
import { PREFIXES, resultsPrefixFor } from "../shared/storage/s3-layout.js";
import { getObject } from "../shared/storage/s3-objects.js";

/** One image's results copied to disk: the folder, and how many files were fetched or already there. */
export interface CopiedResults {
  readonly folder: string;
  readonly downloaded: number;
  readonly present: number;
}

/** Copies everything under results/<key>/ to `<out>/<key without uploads/>/`; returns the folder. */
export async function downloadResults(
  s3: S3Client,
  bucket: string,
  uploadKey: string,
  out: string,
): Promise<string> {
  return (await copyResults(s3, bucket, uploadKey, out)).folder;
}

/**
 * Copies everything under results/<key>/ to `<out>/<key without uploads/>/`, skipping a file whose local copy
 * has the object's size and is no older than it. Throws, naming the key, for any object that would land
 * outside `out`.
 */
export async function copyResults(
  s3: S3Client,
  bucket: string,
  uploadKey: string,
  out: string,
): Promise<CopiedResults> {
  const prefix = resultsPrefixFor(uploadKey);
  const root = resolve(out);
  const folder = inside(root, prefix.slice(PREFIXES.results.length), uploadKey);
  let downloaded = 0;
  let present = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith("/")) continue;
      const file = inside(root, join(folder, object.Key.slice(prefix.length)), object.Key);
      if (await isCopied(file, object)) {
        present++;
        continue;
      }
      const stored = await getObject(s3, bucket, object.Key);
      if (!stored) continue;
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, stored.body);
      downloaded++;
    }
    token = page.NextContinuationToken;
  } while (token);
  return { folder, downloaded, present };
}

/** `path` resolved against `root`; throws, naming `key`, if it is not strictly inside `root`. */
function inside(root: string, path: string, key: string): string {
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(
      `refusing to copy s3 key ${JSON.stringify(key)}: it would be written to ${target}, outside ${root}`,
    );
  }
  return target;
}

async function isCopied(file: string, object: _Object): Promise<boolean> {
  const local = await stat(file).catch(() => undefined);
  if (!local?.isFile() || object.Size === undefined || local.size !== object.Size) return false;
  return object.LastModified !== undefined && object.LastModified.getTime() <= local.mtimeMs;
}
