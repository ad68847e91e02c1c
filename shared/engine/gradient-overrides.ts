import * as tf from "@tensorflow/tfjs";

/** TF.js's gradients that an override replaced, by kernel name, to restore them. */
const replaced = new Map<string, tf.GradConfig>();

/**
 * Registers each gradient in place of (and remembering) the one registered for its kernel. Gradients are global in
 * TF.js: one registry serves every backend. Idempotent.
 */
export function overrideGradients(configs: readonly tf.GradConfig[]): void {
  for (const config of configs) {
    const current = tf.getGradient(config.kernelName) as tf.GradConfig | undefined;
    if (current === config) continue;
    if (current !== undefined) {
      replaced.set(config.kernelName, current);
      tf.unregisterGradient(config.kernelName);
    }
    tf.registerGradient(config);
  }
}

/** Restores the gradients that {@link overrideGradients} replaced with these configs. Idempotent. */
export function restoreGradients(configs: readonly tf.GradConfig[]): void {
  for (const config of configs) {
    if (tf.getGradient(config.kernelName) !== config) continue;
    tf.unregisterGradient(config.kernelName);
    const stock = replaced.get(config.kernelName);
    if (stock !== undefined) tf.registerGradient(stock);
  }
}
