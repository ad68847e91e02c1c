import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadModelError } from "../../errors.js";
import { Hdf5File } from "./hdf5-file.js";
import { readKerasArchive } from "./keras-archive.js";

/** The two kinds of Keras model file, told apart by their first bytes. */
export type KerasFormat = "keras" | "h5";

/** A Keras model file opened for import; {@link close} it when done. */
export interface KerasFile {
  readonly path: string;
  readonly format: KerasFormat;
  readonly kerasVersion: string | undefined;
  /** `{class_name, config}` of the model, as Keras saved it. */
  readonly modelConfig: unknown;
  /** The HDF5 file that holds the weights (the .h5 itself, or the archive's model.weights.h5). */
  readonly weights: Hdf5File;
  close(): Promise<void>;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

/**
 * Opens a Keras 3 `.keras` archive or a Keras 2 / Keras 3 `.h5` model, whatever its extension. The archive's
 * weights are unpacked to a temporary file, which {@link KerasFile.close} removes.
 */
export async function openKerasFile(path: string): Promise<KerasFile> {
  const head = await firstBytes(path, 8);
  const starts = (signature: number[]) => signature.every((byte, i) => head[i] === byte);
  if (starts(HDF5_SIGNATURE)) {
    const file = await Hdf5File.open(path);
    try {
      const text = file.stringAttribute("/", "model_config");
      if (text === undefined) {
        throw new BadModelError(
          `${path} holds weights but no model config; save the whole model with model.save("model.h5"), not save_weights`,
        );
      }
      return {
        path,
        format: "h5",
        kerasVersion: file.stringAttribute("/", "keras_version"),
        modelConfig: parseConfig(text, path),
        weights: file,
        async close() {
          file.close();
        },
      };
    } catch (error) {
      file.close();
      throw error;
    }
  }
  if (starts(ZIP_SIGNATURE)) {
    const archive = readKerasArchive(await readFile(path), path);
    const folder = await mkdtemp(join(tmpdir(), "cnn-lens-keras-"));
    const weightsPath = join(folder, "model.weights.h5");
    let file: Hdf5File;
    try {
      await writeFile(weightsPath, archive.weights);
      file = await Hdf5File.open(weightsPath);
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
    return {
      path,
      format: "keras",
      kerasVersion: archive.kerasVersion,
      modelConfig: archive.config,
      weights: file,
      async close() {
        file.close();
        await rm(folder, { recursive: true, force: true });
      },
    };
  }
  throw new BadModelError(
    `${path} is neither a Keras 3 .keras archive nor an HDF5 .h5 model; in Keras, save it with ` +
      'model.save("model.keras") or model.save("model.h5") (SavedModel folders are not supported)',
  );
}

async function firstBytes(path: string, count: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new BadModelError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const buffer = new Uint8Array(count);
    await handle.read(buffer, 0, count, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}

function parseConfig(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadModelError(`${path}: model_config is not valid JSON: ${(error as Error).message}`);
  }
}
