import { existsSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BadModelError } from "../../../shared/errors.js";
import { Hdf5File } from "../../../shared/model/keras/hdf5-file.js";
import { openKerasFile } from "../../../shared/model/keras/keras-file.js";
import { KERAS_FIXTURES } from "../../fixtures/keras-models.js";

/** The folders openKerasFile makes with mkdtemp, and whether its next writeFile fails as a full disk would. */
const fs = vi.hoisted(() => ({ folders: [] as string[], failNextWrite: false }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    mkdtemp: async (prefix: string) => {
      const folder = await actual.mkdtemp(prefix);
      fs.folders.push(folder);
      return folder;
    },
    writeFile: async (...args: Parameters<typeof actual.writeFile>) => {
      if (fs.failNextWrite) {
        fs.failNextWrite = false;
        throw new Error("ENOSPC: no space left on device, write");
      }
      return actual.writeFile(...args);
    },
  };
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.folders.length = 0;
  fs.failNextWrite = false;
});

describe("openKerasFile, when opening fails part-way", () => {
  it("closes the .h5 file when its model_config is not valid JSON", async () => {
    await h5wasm.ready;
    const folder = await mkdtemp(join(tmpdir(), "cnn-lens-keras-file-test-"));
    const path = join(folder, "bad-config.h5");
    await copyFile(join(KERAS_FIXTURES, "seed_like.h5"), path);
    const edited = new h5wasm.File(path, "a");
    edited.delete_attribute("model_config");
    edited.create_attribute("model_config", "{not json");
    edited.close();
    const close = vi.spyOn(Hdf5File.prototype, "close");

    try {
      await expect(openKerasFile(path)).rejects.toThrow(BadModelError);
      await expect(openKerasFile(path)).rejects.toThrow("model_config is not valid JSON");
      expect(close).toHaveBeenCalledTimes(2);
    } finally {
      await rm(folder, { recursive: true });
    }
  });

  it("removes the temporary folder of a .keras archive when unpacking its weights fails", async () => {
    fs.failNextWrite = true;

    await expect(openKerasFile(join(KERAS_FIXTURES, "seed_like.keras"))).rejects.toThrow("ENOSPC");
    expect(fs.folders).toHaveLength(1);
    expect(existsSync(fs.folders[0])).toBe(false);
  });
});
