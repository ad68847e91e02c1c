/**
 * The few kinds of failure that callers act on differently. The worker retries only {@link TransientError};
 * bad input and bad models are recorded as failed and never retried.
 */

/** The image (or request) cannot be explained as given: undecodable, unsupported, too large, bad targets. */
export class BadInputError extends Error {
  override readonly name = "BadInputError";
}

/** The model bundle is unusable: bad lens.json, missing files, or a model that does not fit its lens.json. */
export class BadModelError extends Error {
  override readonly name = "BadModelError";
}

/** A storage or network failure that may pass: the work should be retried. */
export class TransientError extends Error {
  override readonly name = "TransientError";
}
