import { describe, expect, it } from "vitest";
import { BadModelError } from "../../../shared/errors.js";
import { convertKerasTopology } from "../../../shared/model/keras/keras-topology.js";

const float32Policy = {
  module: "keras",
  class_name: "DTypePolicy",
  config: { name: "float32" },
  registered_name: null,
};

/** A Keras 3 layer entry of a Functional config, called on the outputs of `inputs`. */
function keras3Layer(className: string, config: Record<string, unknown>, inputs: string[], kwargs = {}) {
  const tensor = (name: string) => ({
    class_name: "__keras_tensor__",
    config: { shape: [null, 8, 8, 4], dtype: "float32", keras_history: [name, 0, 0] },
  });
  return {
    module: "keras.layers",
    class_name: className,
    config: { trainable: true, dtype: float32Policy, ...config },
    registered_name: null,
    build_config: { input_shape: [null, 8, 8, 4] },
    name: config.name,
    inbound_nodes:
      inputs.length === 0
        ? []
        : [{ args: inputs.length === 1 ? [tensor(inputs[0])] : [inputs.map(tensor)], kwargs }],
  };
}

const inputLayer = {
  module: "keras.layers",
  class_name: "InputLayer",
  config: {
    batch_shape: [null, 8, 8, 4],
    dtype: "float32",
    sparse: false,
    ragged: false,
    name: "image",
    optional: false,
  },
  registered_name: null,
  name: "image",
  inbound_nodes: [],
};

function keras3Functional(layers: unknown[], output: string) {
  return {
    module: "keras.src.models.functional",
    class_name: "Functional",
    config: {
      name: "m",
      trainable: true,
      layers,
      input_layers: ["image", 0, 0],
      output_layers: [output, 0, 0],
    },
    registered_name: "Functional",
  };
}

const conv = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  filters: 4,
  kernel_size: [3, 3],
  strides: [1, 1],
  padding: "same",
  data_format: "channels_last",
  dilation_rate: [1, 1],
  groups: 1,
  activation: "relu",
  use_bias: true,
  kernel_initializer: { module: "keras.initializers", class_name: "GlorotUniform", config: { seed: null } },
  kernel_regularizer: null,
  ...extra,
});

describe("convertKerasTopology", () => {
  it("turns a Keras 3 Functional config with a skip connection into Keras 2 inbound nodes", () => {
    const { modelTopology } = convertKerasTopology(
      keras3Functional(
        [
          inputLayer,
          keras3Layer("Conv2D", conv("conv_a"), ["image"]),
          keras3Layer("Add", { name: "residual" }, ["image", "conv_a"]),
        ],
        "residual",
      ),
      "test",
    );
    expect(modelTopology.class_name).toBe("Model");
    const layers = modelTopology.config.layers as {
      name: string;
      config: Record<string, unknown>;
      inbound_nodes: unknown;
    }[];
    expect(layers.map((layer) => layer.inbound_nodes)).toEqual([
      [],
      [[["image", 0, 0, {}]]],
      [
        [
          ["image", 0, 0, {}],
          ["conv_a", 0, 0, {}],
        ],
      ],
    ]);
    expect(layers[0].config).toEqual({ name: "image", batch_input_shape: [null, 8, 8, 4] });
    expect(layers[1].config).toEqual({
      name: "conv_a",
      filters: 4,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: "same",
      dilation_rate: [1, 1],
      activation: "relu",
      use_bias: true,
    });
    expect(modelTopology.config.input_layers).toEqual([["image", 0, 0]]);
    expect(modelTopology.config.output_layers).toEqual([["residual", 0, 0]]);
  });

  it("reads Keras 2 configs: list axes, alpha, batch_input_shape on the first Sequential layer", () => {
    const { modelTopology } = convertKerasTopology(
      {
        class_name: "Sequential",
        config: {
          name: "seq",
          layers: [
            {
              class_name: "Conv2D",
              config: conv("c", { batch_input_shape: [null, 8, 8, 3], dtype: "float32" }),
            },
            {
              class_name: "BatchNormalization",
              config: { name: "bn", axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true },
            },
            { class_name: "LeakyReLU", config: { name: "leaky", alpha: 0.2 } },
          ],
        },
      },
      "test",
    );
    const layers = modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];
    expect(layers[0].config.batch_input_shape).toEqual([null, 8, 8, 3]);
    expect(layers[1].config.axis).toBe(3);
    expect(layers[2].config).toEqual({ name: "leaky", alpha: 0.2 });
  });

  it("gives a Sequential model without an InputLayer its build_input_shape", () => {
    const { modelTopology } = convertKerasTopology(
      {
        class_name: "Sequential",
        config: {
          name: "s",
          layers: [{ class_name: "Flatten", config: { name: "f" } }],
          build_input_shape: [null, 4, 4, 3],
        },
      },
      "test",
    );
    const [flatten] = modelTopology.config.layers as { config: Record<string, unknown> }[];
    expect(flatten.config.batch_input_shape).toEqual([null, 4, 4, 3]);
  });

  it("lists every unsupported layer type and option in one error, each with the layer that uses it", () => {
    const convert = () =>
      convertKerasTopology(
        keras3Functional(
          [
            inputLayer,
            keras3Layer("Conv2D", conv("conv2d_3", { groups: 2 }), ["image"]),
            keras3Layer("MultiHeadAttention", { name: "my_attn", num_heads: 2 }, ["conv2d_3"]),
            keras3Layer("Dense", { name: "head", units: 2, activation: "hard_sigmoid", use_bias: true }, [
              "conv2d_3",
            ]),
            keras3Layer("GlobalAveragePooling2D", { name: "gap", keepdims: true }, ["conv2d_3"]),
            {
              ...keras3Layer(
                "Dense",
                {
                  name: "mixed",
                  units: 2,
                  dtype: { class_name: "DTypePolicy", config: { name: "mixed_float16" } },
                },
                ["gap"],
              ),
            },
          ],
          "mixed",
        ),
        "model.keras",
      );
    expect(convert).toThrow(/^model\.keras cannot be imported:\n/);
    const message = (() => {
      try {
        convert();
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    expect(message).toContain('layer "conv2d_3" (Conv2D) uses unsupported option groups=2');
    expect(message).toContain(
      'layer "my_attn" uses unsupported layer type MultiHeadAttention; supported: Conv2D,',
    );
    expect(message).toContain('layer "head" (Dense) uses unsupported option activation="hard_sigmoid"');
    expect(message).toContain('layer "gap" (GlobalAveragePooling2D) uses unsupported option keepdims=true');
    expect(message).toContain('layer "mixed" (Dense) uses unsupported option dtype=mixed_float16');
  });

  it("names custom classes, nested models and non-tensor call arguments", () => {
    const message = (layers: unknown[], output: string) => {
      try {
        convertKerasTopology(keras3Functional(layers, output), "m.keras");
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    };
    expect(
      message(
        [inputLayer, { ...keras3Layer("Conv2D", conv("mine"), ["image"]), module: "my_package.layers" }],
        "mine",
      ),
    ).toContain(
      'layer "mine" uses unsupported layer type Conv2D (a custom class from module my_package.layers)',
    );
    expect(
      message([inputLayer, keras3Layer("Functional", { name: "backbone" }, ["image"])], "backbone"),
    ).toContain('layer "backbone" is a nested model (Functional)');
    expect(
      message(
        [inputLayer, keras3Layer("Dropout", { name: "drop", rate: 0.5 }, ["image"], { training: true })],
        "drop",
      ),
    ).toContain('layer "drop" is called with training=true, which is unsupported');
  });

  it("reports a Keras 2 inbound entry that is not [name, node, tensor, kwargs] as a BadModelError naming the layer", () => {
    const keras2 = {
      class_name: "Model",
      config: {
        name: "m",
        layers: [
          {
            class_name: "InputLayer",
            config: { name: "image", batch_input_shape: [null, 8, 8, 4] },
            inbound_nodes: [],
          },
          { class_name: "ReLU", config: { name: "relu" }, inbound_nodes: [[7]] },
        ],
        input_layers: [["image", 0, 0]],
        output_layers: [["relu", 0, 0]],
      },
    };
    expect(() => convertKerasTopology(keras2, "m.h5")).toThrow(BadModelError);
    expect(() => convertKerasTopology(keras2, "m.h5")).toThrow(
      'layer "relu" has an inbound tensor the importer cannot read: 7',
    );
  });

  it("reports a Keras 3 tensor without keras_history as a BadModelError naming the layer", () => {
    const relu = {
      ...keras3Layer("ReLU", { name: "relu" }, []),
      inbound_nodes: [
        {
          args: [{ class_name: "__keras_tensor__", config: { shape: [null, 8, 8, 4], dtype: "float32" } }],
          kwargs: {},
        },
      ],
    };
    const keras3 = keras3Functional([inputLayer, relu], "relu");
    expect(() => convertKerasTopology(keras3, "m.keras")).toThrow(BadModelError);
    expect(() => convertKerasTopology(keras3, "m.keras")).toThrow(
      'layer "relu" is called with a Keras tensor whose keras_history the importer cannot read: undefined',
    );
  });

  it("imports dilated convolutions with a warning that their gradients do not work in TF.js", () => {
    const { warnings } = convertKerasTopology(
      keras3Functional(
        [inputLayer, keras3Layer("Conv2D", conv("dilated", { dilation_rate: [2, 2] }), ["image"])],
        "dilated",
      ),
      "test",
    );
    expect(warnings).toEqual([
      expect.stringContaining('layer "dilated" (Conv2D) uses dilation_rate=[2,2]: predictions work'),
    ]);
  });

  it("refuses subclassed models, saying how to rebuild them", () => {
    expect(() => convertKerasTopology({ class_name: "MyModel", config: {} }, "m.keras")).toThrow(
      "m.keras is a MyModel model; cnn-lens imports Sequential and Functional models",
    );
  });
});
