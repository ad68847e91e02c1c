/** One MiB in bytes. */
export const MIB = 1024 ** 2;

/**
 * The largest upload the worker downloads by default: 256 MiB (`CNN_LENS_MAX_UPLOAD_BYTES` locally, the
 * deployment's `maxUploadMiB` in the cloud, whose default is this).
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 256 * MIB;

/** S3's largest object, 5 TiB: no larger limit means anything. */
export const LARGEST_S3_OBJECT_BYTES = 5 * 1024 ** 4;
