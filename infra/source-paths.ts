import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the worker image's build context and the Lambdas' project root. */
export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The worker image's Dockerfile, relative to {@link REPO_ROOT}. */
export const WORKER_DOCKERFILE = "functions/worker/Dockerfile";

/** The Lambda entry files. */
export const INDEXER_ENTRY = join(REPO_ROOT, "functions/indexer/lambda.ts");
export const SCALER_ENTRY = join(REPO_ROOT, "functions/scaler/lambda.ts");
