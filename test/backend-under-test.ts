import { backendChoiceFrom } from "../shared/config/environment.js";

/**
 * The backend this test project runs the engine on (vitest.config.ts sets CNN_LENS_BACKEND per project):
 * the engine, analysis and Keras-parity tests run once on wasm and once on the native tensorflow backend.
 */
export const BACKEND_UNDER_TEST = backendChoiceFrom(process.env);
