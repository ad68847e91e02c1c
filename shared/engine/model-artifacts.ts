import * as tf from "@tensorflow/tfjs";

/**
 * A model's topology and weights (in one buffer) in memory, as `tf.loadLayersModel(tf.io.fromMemory(…))` reads them back: how a
 * model built in one thread (an imported bundle, or its logit variant) is copied to another.
 */
export async function modelArtifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (saved === undefined) throw new Error(`saving ${model.name} in memory gave no artifacts`);
  const { weightData } = saved;
  // One buffer, as a weights.bin file holds them (tfjs may give the weights in several).
  return {
    ...saved,
    weightData:
      weightData instanceof ArrayBuffer ? weightData : await new Blob(weightData ?? []).arrayBuffer(),
  };
}
