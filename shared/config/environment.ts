import { availableParallelism } from "node:os";
import { BACKEND_CHOICES, type BackendChoice } from "./backend-choices.js";

/** The names of every environment variable cnn-lens reads, defined once. */
export const ENV = {
  /** Forces a tfjs backend: auto, tensorflow-gpu, tensorflow, wasm or cpu. */
  backend: "CNN_LENS_BACKEND",
  /** Gradient threads per process (0 or 1: in the main thread). */
  threads: "CNN_LENS_THREADS",
  /** The cloud stack the CLI talks to; unset, it talks to the local stack on LocalStack. */
  stack: "CNN_LENS_STACK",
  /** The bucket that holds uploads/, models/, results/ and index/. */
  bucket: "CNN_LENS_BUCKET",
  workQueueUrl: "CNN_LENS_WORK_QUEUE_URL",
  indexQueueUrl: "CNN_LENS_INDEX_QUEUE_URL",
  /** An AWS endpoint such as LocalStack's; unset in the cloud. */
  endpoint: "CNN_LENS_AWS_ENDPOINT",
  region: "AWS_REGION",
  /** The worker exits after this many seconds without work. */
  idleSeconds: "CNN_LENS_IDLE_SECONDS",
  /** The worker never exits for idleness. */
  watch: "CNN_LENS_WATCH",
  /** The bundle under models/ used when an upload names none. */
  defaultModel: "CNN_LENS_DEFAULT_MODEL",
  /** How long each extension of a message's visibility lasts. */
  claimSeconds: "CNN_LENS_CLAIM_SECONDS",
  /** Images over this many pixels are refused. */
  maxPixels: "CNN_LENS_MAX_PIXELS",
  /** Uploads over this many bytes are refused before they are downloaded. */
  maxUploadBytes: "CNN_LENS_MAX_UPLOAD_BYTES",
  /** Fail at start-up unless the tensorflow GPU backend loaded. */
  requireGpu: "CNN_LENS_REQUIRE_GPU",
} as const;

/** Earlier names still read when the current one is unset. */
export const FORMER_NAMES: Readonly<Record<string, string>> = { [ENV.requireGpu]: "REQUIRE_GPU" };

type Environment = Readonly<Record<string, string | undefined>>;

/** A typed reader of the environment whose errors name the variable and the accepted values. */
export function environmentReader(environment: Environment) {
  const read = (name: string) => {
    const former = FORMER_NAMES[name];
    const value = (environment[name] ?? (former === undefined ? undefined : environment[former]))?.trim();
    return value === "" ? undefined : value;
  };
  return {
    string(name: string): string | undefined {
      return read(name);
    },
    required(name: string, what: string): string {
      const value = read(name);
      if (value === undefined) throw new Error(`${name} is not set; set it to ${what}`);
      return value;
    },
    choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
      const value = read(name);
      if (value === undefined) return fallback;
      if (!(choices as readonly string[]).includes(value)) {
        throw new Error(
          `${name}=${JSON.stringify(value)} is not allowed; set it to one of ${choices.join(", ")}`,
        );
      }
      return value as T;
    },
    /** A whole number from `min` to `max`; `hint` (such as the unit) is added to the error. */
    integer(name: string, fallback: number, min: number, max: number, hint?: string): number {
      const value = read(name);
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
        throw new Error(
          `${name}=${JSON.stringify(value)} must be a whole number from ${min} to ${max}${hint ? ` (${hint})` : ""}`,
        );
      }
      return parsed;
    },
    boolean(name: string, fallback: boolean): boolean {
      const value = read(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (["1", "true", "yes", "on"].includes(value)) return true;
      if (["0", "false", "no", "off"].includes(value)) return false;
      throw new Error(`${name}=${JSON.stringify(value)} is not a boolean; use true or false`);
    },
  };
}

/** The backend asked for through {@link ENV.backend}. */
export function backendChoiceFrom(environment: Environment): BackendChoice {
  return environmentReader(environment).choice(ENV.backend, BACKEND_CHOICES, "auto");
}

/** Gradient threads per process ({@link ENV.threads}); by default one per core. */
export function threadsFrom(environment: Environment): number {
  return environmentReader(environment).integer(ENV.threads, availableParallelism(), 0, 64);
}
