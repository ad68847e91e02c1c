import { unzipSync } from "fflate";
import { BadModelError } from "../../errors.js";

/** The parts of a Keras 3 `.keras` archive (a zip) that the importer reads. */
export interface KerasArchive {
  /** config.json: `{module, class_name, config, …}` of the model. */
  readonly config: unknown;
  /** The Keras version from metadata.json. */
  readonly kerasVersion: string | undefined;
  /** model.weights.h5, as bytes. */
  readonly weights: Uint8Array;
}

const CONFIG = "config.json";
const METADATA = "metadata.json";
const WEIGHTS = "model.weights.h5";

/** Unzips a `.keras` archive; the error names the missing part. */
export function readKerasArchive(bytes: Uint8Array, source: string): KerasArchive {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (file) => [CONFIG, METADATA, WEIGHTS].includes(file.name) });
  } catch (error) {
    throw new BadModelError(`${source} is not a readable .keras archive: ${(error as Error).message}`);
  }
  for (const name of [CONFIG, WEIGHTS]) {
    if (!files[name]) {
      throw new BadModelError(
        `${source} has no ${name}; save the model with Keras 3 model.save("model.keras")` +
          (name === WEIGHTS ? " without sharding the weights" : ""),
      );
    }
  }
  const metadata = files[METADATA] ? parse(files[METADATA], `${source}/${METADATA}`) : undefined;
  const version =
    typeof metadata === "object" && metadata !== null && "keras_version" in metadata
      ? String(metadata.keras_version)
      : undefined;
  return {
    config: parse(files[CONFIG], `${source}/${CONFIG}`),
    kerasVersion: version,
    weights: files[WEIGHTS],
  };
}

function parse(bytes: Uint8Array, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new BadModelError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}
