import { localBundleReader } from "../bundle-reader.js";
import { loadModelBundle } from "../model-bundle.js";
import { saveModelBundle } from "../save-model-bundle.js";
import { importKerasModel, type ImportedKerasModel } from "./import-keras-model.js";
import { importedLens, type ImportedLensOptions } from "./imported-lens.js";

/** What {@link importKerasBundle} wrote. */
export interface ImportedBundle {
  readonly folder: string;
  readonly format: ImportedKerasModel["format"];
  readonly kerasVersion: string | undefined;
  readonly inputShape: readonly number[];
  readonly warnings: readonly string[];
}

/**
 * Imports a Keras `.keras` or `.h5` model as a model bundle in `folder` (model.json, weights.bin, lens.json),
 * then loads the bundle back as the worker would, so that what is written is known to load and fit its lens.
 */
export async function importKerasBundle(
  path: string,
  options: ImportedLensOptions,
  folder: string,
): Promise<ImportedBundle> {
  const imported = await importKerasModel(path);
  try {
    await saveModelBundle(imported.model, importedLens(imported.model, options), folder);
  } finally {
    imported.model.dispose();
  }
  const bundle = await loadModelBundle(localBundleReader(folder));
  const inputShape = bundle.model.inputs[0].shape.slice(1) as number[];
  bundle.model.dispose();
  return {
    folder,
    format: imported.format,
    kerasVersion: imported.kerasVersion,
    inputShape,
    warnings: imported.warnings,
  };
}
