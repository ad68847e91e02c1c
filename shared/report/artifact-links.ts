import { PREFIXES, resultsPrefixFor } from "../storage/s3-layout.js";

/**
 * How a report links to an image's artifacts: by a folder prefix that every artifact path is appended to
 * (relative links), or artifact by artifact (presigned links, whose signatures cover each object's key).
 */
export type ArtifactLinks =
  | { readonly kind: "folder"; readonly folderOf: (uploadKey: string) => string }
  | { readonly kind: "each"; readonly linkOf: (uploadKey: string, artifactPath: string) => string };

/** A path's segments percent-encoded for a URL, its slashes kept. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/**
 * Links for a local copy: the report sits in the folder that `cnn-lens fetch`, `report` and `start` copy results
 * to, where an upload's artifacts are under `<key without uploads/>/`.
 */
export const LOCAL_LINKS: ArtifactLinks = {
  kind: "folder",
  folderOf: (uploadKey) => encodePath(resultsPrefixFor(uploadKey).slice(PREFIXES.results.length)),
};

/** Links for index/report.html in the bucket: `../results/<key>/`, relative to the page's own key. */
export const BUCKET_LINKS: ArtifactLinks = {
  kind: "folder",
  folderOf: (uploadKey) => `../${encodePath(resultsPrefixFor(uploadKey))}`,
};

/** Links made by `sign`, which turns an object's key in the bucket into a URL (such as a presigned one). */
export function signedLinks(sign: (objectKey: string) => string): ArtifactLinks {
  return {
    kind: "each",
    linkOf: (uploadKey, artifactPath) => sign(`${resultsPrefixFor(uploadKey)}${artifactPath}`),
  };
}
