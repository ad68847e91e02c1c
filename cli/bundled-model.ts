import { existsSync } from "node:fs";
import { join } from "node:path";

/** The model bundle that ships with cnn-lens, used when no --model is given. */
export const BUNDLED_MODEL = join(import.meta.dirname, "..", "models", "default");

/** The bundled model's folder, if it is there. */
export function bundledModel(): string | undefined {
  return existsSync(join(BUNDLED_MODEL, "lens.json")) ? BUNDLED_MODEL : undefined;
}
