"""
The seed notebook's Integrated Gradients in Python TensorFlow, timed, for `npm run bench:engine`.

Usage: seed_integrated_gradients.py MODEL_FOLDER INPUT_NPY OUTPUT_NPY --target T --steps M --variant eager|function

MODEL_FOLDER is a cnn-lens bundle (model.json + weights.bin) of the seed-sized CNN; the Keras model is built as
the notebook builds it and given the bundle's weights by layer and weight name. The IG is the notebook's:
black baseline, alphas = linspace(0, 1, M + 1), gradients of the sigmoid output in batches of 32 under a
GradientTape, trapezoid rule as the mean of (g[:-1] + g[1:]) / 2, times (x - baseline). `eager` is the plain
loop; `function` wraps one batch in @tf.function as the TensorFlow IG tutorial does. The call runs twice (the
first traces and allocates); prints one JSON line with both times, the warm run's CPU time and the peak RSS (the
report bench/engine-configurations/workload.ts describes), and saves the warm run's map.
"""

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

BATCH = 32


def seed_sized_cnn(size):
    """bench/seed-sized-cnn.ts in Keras: Conv32-BN-Pool-Conv64-BN-Pool-Conv64-Pool-Conv128-Pool-Dense64-Dense5."""
    conv = lambda filters: keras.layers.Conv2D(filters, 3, padding="same", activation="relu")  # noqa: E731
    return keras.Sequential(
        [
            keras.Input((size, size, 3)),
            conv(32),
            keras.layers.BatchNormalization(),
            keras.layers.MaxPooling2D(2),
            conv(64),
            keras.layers.BatchNormalization(),
            keras.layers.MaxPooling2D(2),
            conv(64),
            keras.layers.MaxPooling2D(2),
            conv(128),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(5, activation="sigmoid"),
        ]
    )


def load_bundle_weights(model, folder):
    """Gives each Keras layer the weights of the TF.js layer in the same position, matched by weight name."""
    with open(os.path.join(folder, "model.json")) as file:
        manifest = json.load(file)["weightsManifest"]
    shards = []
    for path in (path for group in manifest for path in group["paths"]):
        with open(os.path.join(folder, path), "rb") as file:
            shards.append(file.read())
    data = b"".join(shards)
    by_layer, offset = {}, 0
    for spec in (spec for group in manifest for spec in group["weights"]):
        assert spec["dtype"] == "float32", spec
        count = int(np.prod(spec["shape"]))
        layer, weight = spec["name"].rsplit("/", 1)
        values = np.frombuffer(data, np.float32, count, offset).reshape(spec["shape"])
        by_layer.setdefault(layer, {})[weight] = values
        offset += 4 * count
    keras_layers = [layer for layer in model.layers if layer.weights]
    assert len(keras_layers) == len(by_layer), (len(keras_layers), list(by_layer))
    for layer, weights in zip(keras_layers, by_layer.values()):
        layer.set_weights([weights[variable.name] for variable in layer.weights])


def compute_gradients(model, images, target):
    """The notebook's: the gradient of the target's sigmoid output with respect to each image of the batch."""
    with tf.GradientTape() as tape:
        tape.watch(images)
        probabilities = model(images, training=False)[:, target]
    return tape.gradient(probabilities, images)


def integrated_gradients(one_batch, image, target, m_steps):
    """The notebook's IG from a black baseline, trapezoid rule over linspace(0, 1, m_steps + 1), batches of 32."""
    baseline = tf.zeros_like(image)
    alphas = tf.linspace(0.0, 1.0, m_steps + 1)
    gradient_batches = []
    for start in range(0, m_steps + 1, BATCH):
        alpha_batch = alphas[start : start + BATCH]
        gradient_batches.append(one_batch(baseline, image, alpha_batch, target))
    gradients = tf.concat(gradient_batches, axis=0)
    average = tf.reduce_mean((gradients[:-1] + gradients[1:]) / 2.0, axis=0)
    return (image - baseline) * average


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--target", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--variant", choices=["eager", "function"], required=True)
    args = parser.parse_args()

    image = tf.constant(np.load(args.input))
    model = seed_sized_cnn(image.shape[0])
    load_bundle_weights(model, args.model)

    def one_batch(baseline, image, alpha_batch, target):
        path = baseline[tf.newaxis] + alpha_batch[:, tf.newaxis, tf.newaxis, tf.newaxis] * (image - baseline)[tf.newaxis]
        return compute_gradients(model, path, target)

    if args.variant == "function":
        one_batch = tf.function(one_batch)

    times, cpu_times = [], []
    for _ in range(2):
        start, cpu_start = time.perf_counter(), time.process_time()
        attributions = integrated_gradients(one_batch, image, args.target, args.steps).numpy()
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    np.save(args.output, attributions.astype(np.float32))
    print(
        json.dumps(
            {
                "firstMs": times[0],
                "warmMs": times[1],
                "warmCpuMs": cpu_times[1],
                "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "batchSize": BATCH,
                "runtime": f"TensorFlow {tf.__version__}, Keras {keras.__version__}, Python {sys.version.split()[0]}",
            }
        )
    )


if __name__ == "__main__":
    main()
