import { artifactPaths } from "../storage/artifact-paths.js";
import type { IndexRecord, RecordExplanations } from "../schema/index-record.js";
import { PREFIXES } from "../storage/s3-layout.js";
import type { ArtifactLinks } from "./artifact-links.js";

/** The version of the report's data files, read only by the page's own script. */
export const REPORT_DATA_VERSION = 2;

/** The function a data file calls with its data, so that it loads by `<script src>`, from file:// as from S3. */
export const REPORT_DATA_CALLBACK = "cnnLensReportData";

/**
 * What an image's detail view shows, shared by every image with the same targets and layers. Paths are relative
 * to the image's results folder.
 */
export interface ReportLayout {
  readonly input: string;
  readonly thumbnail: string;
  readonly targets: readonly {
    readonly label: string;
    readonly ig: {
      readonly mask: string;
      readonly overlay: string;
      readonly signed: string;
      readonly strip: string;
    };
    readonly cam: { readonly layer: string; readonly heatmap: string; readonly overlay: string } | null;
  }[];
  readonly layers: readonly {
    readonly layer: string;
    readonly className: string;
    readonly shape: readonly number[];
    readonly grid: string;
  }[];
}

/**
 * One image, compact: labels are indices into {@link ReportShardData.labels} and the detail view's structure is an
 * index into {@link ReportShardData.layouts}.
 */
export interface ReportImage {
  /** The key without uploads/. */
  readonly k: string;
  /** The link prefix of the image's folder (relative links), or */
  readonly b?: string;
  /** each artifact's link by path (presigned links). */
  readonly u?: Readonly<Record<string, string>>;
  /** 1 explained, 0 failed. */
  readonly s: 0 | 1;
  /** Actual labels, or null when unknown. */
  readonly a: readonly number[] | null;
  readonly p: readonly number[];
  /** Scores as [label, score] pairs, highest first. */
  readonly sc: readonly (readonly [number, number])[];
  /** Misclassified: 1, 0, or null when unknown. */
  readonly m: 0 | 1 | null;
  /** The largest IG completeness error. */
  readonly e: number | null;
  /** Processing time, ms. */
  readonly t: number | null;
  /** The layout, or null for failed images. */
  readonly l: number | null;
  /** Per target of the layout: [completeness error, converged 1/0], or null when the record predates them. */
  readonly x: readonly (readonly [number, 0 | 1] | null)[];
  /** Per layer of the layout: its top channels. */
  readonly c: readonly (readonly number[])[];
  /** The model id. */
  readonly o: string | null;
  /** Why it failed. */
  readonly r: string | null;
}

/**
 * The gallery's data of one shard, one data file (`report-data/part-NNNNN.js`): the page loads it when it shows
 * that page of the gallery, or searches it for a filter.
 */
export interface ReportShardData {
  readonly version: typeof REPORT_DATA_VERSION;
  /** The shard's sequence number, which is also the gallery's page number (from 0). */
  readonly shard: number;
  /** The shard's revision these images reflect. */
  readonly revision: number;
  readonly labels: readonly string[];
  readonly layouts: readonly ReportLayout[];
  readonly images: readonly ReportImage[];
}

/** The data file's contents: a call of {@link REPORT_DATA_CALLBACK} with the data. */
export function reportDataScript(data: ReportShardData): string {
  return `${REPORT_DATA_CALLBACK}(${JSON.stringify(data).replace(/</g, "\\u003c")});\n`;
}

/** One shard's data from its records (sorted by key) and how to link to their artifacts. */
export function reportShardData(options: {
  readonly shard: number;
  readonly revision: number;
  readonly records: readonly IndexRecord[];
  readonly links: ArtifactLinks;
}): ReportShardData {
  const labels = new Interned<string>((label) => label);
  const layouts = new Interned<ReportLayout>((layout) => JSON.stringify(layout));
  const records = [...options.records].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const record of records) for (const label of Object.keys(record.scores)) labels.index(label);
  const images = records.map((record): ReportImage => {
    const explanations = record.status === "explained" ? explanationsOf(record) : undefined;
    const layout = explanations ? layoutOf(explanations) : undefined;
    const layoutIndex = layout ? layouts.index(layout) : null;
    return {
      k: record.key.slice(PREFIXES.uploads.length),
      ...linksOf(record.key, layout, options.links),
      s: record.status === "explained" ? 1 : 0,
      a: record.actualLabels?.map((label) => labels.index(label)) ?? null,
      p: record.predictedLabels.map((label) => labels.index(label)),
      sc: Object.entries(record.scores)
        .sort((x, y) => y[1] - x[1])
        .map(([label, score]) => [labels.index(label), round(score, 4)] as const),
      m: record.misclassified === null ? null : record.misclassified ? 1 : 0,
      e: record.maxCompletenessError === null ? null : significant(record.maxCompletenessError),
      t: record.processingMs === null ? null : Math.round(record.processingMs),
      l: layoutIndex,
      x:
        explanations?.targets.map((target) =>
          target.relativeError === undefined
            ? null
            : ([significant(target.relativeError), target.converged ? 1 : 0] as const),
        ) ?? [],
      c: explanations?.activations.map((layer) => layer.topChannels) ?? [],
      o: record.modelId,
      r: record.error,
    };
  });
  return {
    version: REPORT_DATA_VERSION,
    shard: options.shard,
    revision: options.revision,
    labels: labels.values,
    layouts: layouts.values,
    images,
  };
}

type Explanations = Omit<RecordExplanations, "targets"> & {
  targets: (Omit<RecordExplanations["targets"][number], "relativeError" | "converged"> & {
    relativeError?: number;
    converged?: boolean;
  })[];
};

/** The record's explanations, or for records indexed before they were recorded, what artifactPaths implies. */
function explanationsOf(record: IndexRecord): Explanations {
  if (record.explanations) return record.explanations;
  return {
    input: artifactPaths.input,
    thumbnail: null,
    targets: record.explainedTargets.map((label) => {
      const { mask, overlay, signed, strip } = artifactPaths.integratedGradients(label);
      return {
        label,
        integratedGradients: { mask, overlay, signed, strip },
        gradCam: { layer: "", ...artifactPaths.gradCam(label) },
      };
    }),
    activations: [],
  };
}

function layoutOf(explanations: Explanations): ReportLayout {
  return {
    input: explanations.input,
    thumbnail: explanations.thumbnail ?? explanations.input,
    targets: explanations.targets.map((target) => ({
      label: target.label,
      ig: target.integratedGradients,
      cam: target.gradCam,
    })),
    layers: explanations.activations.map(({ layer, className, shape, grid }) => ({
      layer,
      className,
      shape,
      grid,
    })),
  };
}

function linksOf(
  key: string,
  layout: ReportLayout | undefined,
  links: ArtifactLinks,
): Pick<ReportImage, "b" | "u"> {
  if (links.kind === "folder") return { b: links.folderOf(key) };
  if (!layout) return { u: {} };
  const paths = [
    layout.input,
    layout.thumbnail,
    ...layout.targets.flatMap((target) => [
      ...Object.values(target.ig),
      ...(target.cam ? [target.cam.heatmap, target.cam.overlay] : []),
    ]),
    ...layout.layers.map((layer) => layer.grid),
  ];
  return { u: Object.fromEntries(paths.map((path) => [path, links.linkOf(key, path)])) };
}

/** Values numbered in the order first seen, equal values (by `identity`) sharing a number. */
class Interned<T> {
  readonly values: T[] = [];
  private readonly numbers = new Map<string, number>();
  constructor(private readonly identity: (value: T) => string) {}

  index(value: T): number {
    const id = this.identity(value);
    let number = this.numbers.get(id);
    if (number === undefined) {
      number = this.values.push(value) - 1;
      this.numbers.set(id, number);
    }
    return number;
  }
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

function significant(value: number): number {
  return Number(value.toPrecision(3));
}
