import { createRequire } from "node:module";

/** This package's version, recorded in every summary. */
export const CNN_LENS_VERSION: string = (
  createRequire(import.meta.url)("../package.json") as { version: string }
).version;
