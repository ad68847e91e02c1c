import { ENV } from "../../shared/config/environment.js";
import { BadInputError } from "../../shared/errors.js";

/**
 * Refuses an upload whose size (the HEAD's ContentLength) is over `maxBytes`, before a byte of it is downloaded:
 * a larger image would be held in memory whole, and could exhaust it. The error is bad input, so it is recorded
 * as failed at once and never retried.
 */
export function checkUploadSize(key: string, size: number | undefined, maxBytes: number): void {
  if (size === undefined || size <= maxBytes) return;
  throw new BadInputError(
    `the upload ${JSON.stringify(key)} is ${size} bytes (${mebibytes(size)}), over the worker's limit of ` +
      `${maxBytes} bytes (${mebibytes(maxBytes)}); upload a smaller image, or raise ${ENV.maxUploadBytes}`,
  );
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
