import type { Hdf5Array, Hdf5File } from "./hdf5-file.js";

/** A Keras file's weights by layer: each layer's arrays in Keras's order (kernel, bias; gamma, beta, …). */
export interface KerasWeights {
  /** The arrays of layer `name`, or undefined when the file holds none for it. */
  forLayer(name: string): Hdf5Array[] | undefined;
}

/**
 * The HDF5 layout of `model.save("model.h5")` in Keras 2 and Keras 3: `model_weights/<layer>` lists its arrays
 * in the attribute `weight_names`, each at `model_weights/<layer>/<weight name>`.
 */
export function h5ModelWeights(file: Hdf5File): KerasWeights {
  const root = file.has("model_weights") ? "model_weights" : "/";
  return {
    forLayer(name) {
      const group = `${root}/${name}`;
      if (!file.has(group)) return undefined;
      const names = file.stringListAttribute(group, "weight_names") ?? [];
      return names.map((weight) => file.floatArray(`${group}/${weight}`));
    },
  };
}

/**
 * The layout of `model.weights.h5` in a Keras 3 `.keras` archive: `layers/<key>/vars/0`, `1`, … where the
 * vars group names its layer in the attribute `name` (recent Keras 3) or, in older files, `<key>` is the layer's
 * class in snake_case, numbered in layer order (`conv2d`, `conv2d_1`, …).
 */
export function kerasArchiveWeights(
  file: Hdf5File,
  layers: readonly { readonly name: string; readonly className: string }[],
): KerasWeights {
  const keyByLayer = new Map<string, string>();
  const keys = file.keys("layers");
  for (const key of keys) {
    const named = file.stringAttribute(`layers/${key}/vars`, "name");
    if (named !== undefined) keyByLayer.set(named, key);
  }
  if (keyByLayer.size === 0) {
    const counts = new Map<string, number>();
    for (const layer of layers) {
      const base = snakeCase(layer.className);
      const count = counts.get(base) ?? 0;
      counts.set(base, count + 1);
      keyByLayer.set(layer.name, count === 0 ? base : `${base}_${count}`);
    }
  }
  return {
    forLayer(name) {
      const key = keyByLayer.get(name);
      const vars = `layers/${key}/vars`;
      if (key === undefined || !file.has(vars)) return undefined;
      return file
        .keys(vars)
        .map(Number)
        .sort((a, b) => a - b)
        .map((index) => file.floatArray(`${vars}/${index}`));
    },
  };
}

/** Keras's `to_snake_case`: `Conv2D` → `conv2d`, `BatchNormalization` → `batch_normalization`, `ReLU` → `re_lu`. */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}
