import type * as tf from "@tensorflow/tfjs";

/** A forward convolution geometry to derive backprop kernel calls from. */
export interface ConvCase {
  name: string;
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: "same" | "valid" | number | tf.backend_util.ExplicitPadding;
  dilations?: [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Conv2D geometries: [batch, H, W, inC] inputs, [fh, fw, inC, outC] filters. */
export const conv2dCases: ConvCase[] = [
  { name: "3x3 s1 same", xShape: [2, 7, 9, 3], filterShape: [3, 3, 3, 4], strides: [1, 1], pad: "same" },
  { name: "3x3 s1 valid", xShape: [3, 8, 5, 2], filterShape: [3, 3, 2, 5], strides: [1, 1], pad: "valid" },
  { name: "3x3 s2 same odd", xShape: [2, 9, 7, 3], filterShape: [3, 3, 3, 4], strides: [2, 2], pad: "same" },
  { name: "3x3 s2 same even", xShape: [3, 8, 6, 2], filterShape: [3, 3, 2, 5], strides: [2, 2], pad: "same" },
  { name: "3x3 s2 valid", xShape: [2, 9, 8, 3], filterShape: [3, 3, 3, 4], strides: [2, 2], pad: "valid" },
  {
    name: "5x3 s[2,3] same",
    xShape: [2, 10, 11, 4],
    filterShape: [5, 3, 4, 3],
    strides: [2, 3],
    pad: "same",
  },
  {
    name: "2x4 s[3,1] valid",
    xShape: [2, 11, 9, 3],
    filterShape: [2, 4, 3, 2],
    strides: [3, 1],
    pad: "valid",
  },
  {
    name: "2x2 s3 (gaps) valid",
    xShape: [2, 8, 8, 2],
    filterShape: [2, 2, 2, 3],
    strides: [3, 3],
    pad: "valid",
  },
  { name: "1x1 s1", xShape: [2, 6, 5, 3], filterShape: [1, 1, 3, 8], strides: [1, 1], pad: "valid" },
  { name: "1x1 s2", xShape: [2, 7, 6, 4], filterShape: [1, 1, 4, 3], strides: [2, 2], pad: "same" },
  {
    name: "pad 1 ceil s2",
    xShape: [2, 8, 7, 2],
    filterShape: [3, 3, 2, 3],
    strides: [2, 2],
    pad: 1,
    dimRoundingMode: "ceil",
  },
  {
    name: "explicit pads beyond the filter",
    xShape: [2, 6, 7, 2],
    filterShape: [2, 2, 2, 3],
    strides: [1, 2],
    pad: [
      [0, 0],
      [1, 3],
      [0, 2],
      [0, 0],
    ],
  },
  {
    name: "larger 3x3 s1 same",
    xShape: [4, 32, 28, 16],
    filterShape: [3, 3, 16, 32],
    strides: [1, 1],
    pad: "same",
  },
  {
    name: "larger 3x3 s2 same",
    xShape: [3, 31, 26, 8],
    filterShape: [3, 3, 8, 16],
    strides: [2, 2],
    pad: "same",
  },
  {
    name: "batch 1 7x7 s2 same",
    xShape: [1, 23, 19, 3],
    filterShape: [7, 7, 3, 8],
    strides: [2, 2],
    pad: "same",
  },
];

/** DepthwiseConv2D geometries: [fh, fw, inC, multiplier] filters. */
export const depthwiseCases: ConvCase[] = [
  { name: "3x3 m1 s1 same", xShape: [2, 7, 9, 3], filterShape: [3, 3, 3, 1], strides: [1, 1], pad: "same" },
  { name: "3x3 m2 s1 valid", xShape: [3, 8, 5, 2], filterShape: [3, 3, 2, 2], strides: [1, 1], pad: "valid" },
  {
    name: "3x3 m1 s2 same odd",
    xShape: [2, 9, 7, 4],
    filterShape: [3, 3, 4, 1],
    strides: [2, 2],
    pad: "same",
  },
  {
    name: "3x3 m2 s2 same even",
    xShape: [2, 8, 6, 3],
    filterShape: [3, 3, 3, 2],
    strides: [2, 2],
    pad: "same",
  },
  { name: "3x2 m3 s2 valid", xShape: [3, 9, 9, 2], filterShape: [3, 2, 2, 3], strides: [2, 2], pad: "valid" },
  { name: "5x5 m1 s2 same", xShape: [2, 12, 13, 8], filterShape: [5, 5, 8, 1], strides: [2, 2], pad: "same" },
  {
    name: "3x3 m1 d2 same",
    xShape: [2, 10, 11, 4],
    filterShape: [3, 3, 4, 1],
    strides: [1, 1],
    pad: "same",
    dilations: [2, 2],
  },
  {
    name: "3x3 m2 d[2,3] valid",
    xShape: [2, 11, 12, 2],
    filterShape: [3, 3, 2, 2],
    strides: [1, 1],
    pad: "valid",
    dilations: [2, 3],
  },
  {
    name: "2x2 m1 s3 (gaps)",
    xShape: [2, 8, 8, 3],
    filterShape: [2, 2, 3, 1],
    strides: [3, 3],
    pad: "valid",
  },
  {
    name: "explicit pads beyond the filter",
    xShape: [2, 6, 7, 2],
    filterShape: [2, 2, 2, 2],
    strides: [1, 2],
    pad: [
      [0, 0],
      [1, 3],
      [0, 2],
      [0, 0],
    ],
  },
  {
    name: "larger 3x3 m1 s1",
    xShape: [4, 30, 26, 16],
    filterShape: [3, 3, 16, 1],
    strides: [1, 1],
    pad: "same",
  },
  {
    name: "larger 3x3 m2 s2",
    xShape: [3, 29, 24, 8],
    filterShape: [3, 3, 8, 2],
    strides: [2, 2],
    pad: "same",
  },
];
