import h5wasm, { type Dataset } from "h5wasm/node";
import { BadModelError } from "../../errors.js";

/** A float dataset read from an HDF5 file. */
export interface Hdf5Array {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * An HDF5 file opened read-only through h5wasm (the HDF5 C library compiled to WebAssembly), with the few
 * reads the Keras importer needs. Node's file system is h5wasm's, so `path` is a path on this machine.
 */
export class Hdf5File {
  private constructor(
    private readonly file: InstanceType<typeof h5wasm.File>,
    /** The file, for messages. */
    readonly path: string,
  ) {}

  /** Opens `path`; the error says when it is not an HDF5 file. */
  static async open(path: string): Promise<Hdf5File> {
    await h5wasm.ready;
    try {
      return new Hdf5File(new h5wasm.File(path, "r"), path);
    } catch (error) {
      throw new BadModelError(`${path} cannot be read as HDF5: ${(error as Error).message}`);
    }
  }

  /** Whether an object (group or dataset) exists at `path`. */
  has(path: string): boolean {
    return this.file.get(path) !== null;
  }

  /** The names of the members of the group at `path`, or [] when there is none. */
  keys(path: string): string[] {
    const group = this.file.get(path);
    return group instanceof h5wasm.Group ? group.keys() : [];
  }

  /** An attribute as a string, or undefined when it is absent. */
  stringAttribute(path: string, name: string): string | undefined {
    const value = this.attribute(path, name);
    if (value === undefined) return undefined;
    return text(value);
  }

  /**
   * A list-of-strings attribute, or undefined when it is absent. Keras splits long lists over `name0`,
   * `name1`, … (an HDF5 attribute holds at most 64 KiB); those are joined.
   */
  stringListAttribute(path: string, name: string): string[] | undefined {
    const whole = this.attribute(path, name);
    if (whole !== undefined) return toList(whole).map(text);
    const chunks: string[] = [];
    for (let i = 0; ; i++) {
      const chunk = this.attribute(path, `${name}${i}`);
      if (chunk === undefined) break;
      chunks.push(...toList(chunk).map(text));
    }
    return chunks.length > 0 ? chunks : undefined;
  }

  /** A float32 or float64 dataset as float32 values with its shape. */
  floatArray(path: string): Hdf5Array {
    const dataset = this.file.get(path);
    if (!(dataset instanceof h5wasm.Dataset)) {
      throw new BadModelError(`${this.path} has no dataset ${path}`);
    }
    const values = (dataset as Dataset).value;
    if (!(values instanceof Float32Array || values instanceof Float64Array)) {
      throw new BadModelError(
        `${this.path}: ${path} holds ${dataset.dtype} values; cnn-lens reads float32 and float64 weights ` +
          "(save the model in float32)",
      );
    }
    return { shape: dataset.shape ?? [], values: Float32Array.from(values) };
  }

  close(): void {
    this.file.close();
  }

  private attribute(path: string, name: string): unknown {
    const target = this.file.get(path);
    if (!(target instanceof h5wasm.Group || target instanceof h5wasm.Dataset) || !(name in target.attrs))
      return undefined;
    return target.attrs[name].value ?? undefined;
  }
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).replace(/\0+$/, "");
  return String(value);
}
