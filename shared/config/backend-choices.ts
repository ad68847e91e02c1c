/** What the user may ask for; `auto` tries tensorflow-gpu, tensorflow, wasm, cpu in that order. Kept apart from
 * backend.ts so that reading the configuration does not load TensorFlow.js (the index Lambda never needs it). */
export const BACKEND_CHOICES = ["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
