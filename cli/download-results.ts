import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { resultsPrefixFor } from "../shared/storage/s3-layout.js";
import { getObject } from "../shared/storage/s3-objects.js";

/** Copies everything under results/<key>/ to `<out>/<key without uploads/>/`; returns the folder. */
export async function downloadResults(
  s3: S3Client,
  bucket: string,
  uploadKey: string,
  out: string,
): Promise<string> {
  const prefix = resultsPrefixFor(uploadKey);
  const folder = join(out, prefix.slice("results/".length));
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      const stored = await getObject(s3, bucket, object.Key);
      if (!stored) continue;
      const file = join(folder, object.Key.slice(prefix.length));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, stored.body);
    }
    token = page.NextContinuationToken;
  } while (token);
  return folder;
}
