/** Where each artifact of one image goes, relative to its summary.json. One definition for every writer and reader. */

/** The name of the summary file, written last as the commit marker. */
export const SUMMARY_FILE = "summary.json";

/** A label or layer name made safe as one path segment. */
export function pathSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_") || "_";
}

/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 160;

export const artifactPaths = {
  input: "input.png",
  /** A small JPEG of the input for galleries, at most {@link THUMBNAIL_SIZE} pixels a side. */
  thumbnail: "thumbnail.jpg",
  integratedGradients: (label: string) => {
    const folder = `ig/${pathSegment(label)}`;
    return {
      mask: `${folder}/mask.png`,
      overlay: `${folder}/overlay.png`,
      signed: `${folder}/signed.png`,
      strip: `${folder}/strip.png`,
      attributions: `${folder}/attributions.npy`,
    };
  },
  gradCam: (label: string) => ({
    heatmap: `gradcam/${pathSegment(label)}/heatmap.png`,
    overlay: `gradcam/${pathSegment(label)}/overlay.png`,
  }),
  activationGrid: (index: number, layer: string) =>
    `activations/${String(index).padStart(2, "0")}-${pathSegment(layer)}.png`,
};
