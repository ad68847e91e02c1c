import { describe, expect, it } from "vitest";
import { z } from "zod";
import { glueColumns, type GlueColumn } from "../../infra/athena-columns.js";
import { IndexRecordSchema, recordFromSummary } from "../../shared/schema/index-record.js";
import { syntheticRecord } from "../fixtures/records.js";
import { handMadeSummary } from "../fixtures/summaries.js";

/** The table the README documents, written out by hand: a field added to the record schema must be added here. */
const RECORD_COLUMNS: GlueColumn[] = [
  { name: "schemaversion", type: "int" },
  { name: "key", type: "string" },
  { name: "summarykey", type: "string" },
  { name: "status", type: "string" },
  { name: "etag", type: "string" },
  { name: "modelid", type: "string" },
  { name: "modelhash", type: "string" },
  { name: "actuallabels", type: "array<string>" },
  { name: "predictedlabels", type: "array<string>" },
  { name: "scores", type: "map<string,double>" },
  { name: "toplabel", type: "string" },
  { name: "topscore", type: "double" },
  { name: "misclassified", type: "boolean" },
  { name: "maxcompletenesserror", type: "double" },
  { name: "explainedtargets", type: "array<string>" },
  { name: "error", type: "string" },
  { name: "processingms", type: "double" },
  { name: "createdat", type: "string" },
  { name: "indexedat", type: "string" },
  {
    name: "explanations",
    type:
      "struct<input:string,thumbnail:string," +
      "targets:array<struct<label:string,relativeerror:double,converged:boolean," +
      "integratedgradients:struct<mask:string,overlay:string,signed:string,strip:string>," +
      "gradcam:struct<layer:string,heatmap:string,overlay:string>>>," +
      "activations:array<struct<layer:string,classname:string,shape:array<bigint>,grid:string," +
      "topchannels:array<bigint>>>>",
  },
];

/** A Hive type, parsed: the oracle that real records are checked against. */
type HiveType =
  | { kind: "string" | "int" | "bigint" | "double" | "boolean" }
  | { kind: "array"; element: HiveType }
  | { kind: "map"; value: HiveType }
  | { kind: "struct"; fields: Map<string, HiveType> };

function parseHiveType(text: string): HiveType {
  let at = 0;
  const word = () => {
    const match = /^[a-z0-9_]+/.exec(text.slice(at));
    if (!match) throw new Error(`expected a name at ${at} in ${text}`);
    at += match[0].length;
    return match[0];
  };
  const expectChar = (char: string) => {
    if (text[at] !== char) throw new Error(`expected ${char} at ${at} in ${text}`);
    at += 1;
  };
  const type = (): HiveType => {
    const name = word();
    if (name === "array") {
      expectChar("<");
      const element = type();
      expectChar(">");
      return { kind: "array", element };
    }
    if (name === "map") {
      expectChar("<");
      expect(word()).toBe("string");
      expectChar(",");
      const value = type();
      expectChar(">");
      return { kind: "map", value };
    }
    if (name === "struct") {
      expectChar("<");
      const fields = new Map<string, HiveType>();
      for (;;) {
        const field = word();
        expectChar(":");
        fields.set(field, type());
        if (text[at] === ">") break;
        expectChar(",");
      }
      expectChar(">");
      return { kind: "struct", fields };
    }
    if (["string", "int", "bigint", "double", "boolean"].includes(name)) {
      return { kind: name as "string" | "int" | "bigint" | "double" | "boolean" };
    }
    throw new Error(`${name} is not a Hive type this table uses`);
  };
  const parsed = type();
  expect(at).toBe(text.length);
  return parsed;
}

/**
 * Why a JSON value does not read as the Hive type through the OpenX SerDe (which lower-cases keys), or undefined.
 * Every key of an object must have a field or column, so that no record data is out of the table's reach.
 */
function misfit(value: unknown, type: HiveType, path: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type.kind) {
    case "string":
      return typeof value === "string" ? undefined : `${path} is not a string`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `${path} is not a boolean`;
    case "double":
      return typeof value === "number" ? undefined : `${path} is not a number`;
    case "int":
    case "bigint":
      return Number.isInteger(value) ? undefined : `${path} is not a whole number`;
    case "array":
      if (!Array.isArray(value)) return `${path} is not an array`;
      return value.map((item, i) => misfit(item, type.element, `${path}[${i}]`)).find(Boolean);
    case "map":
      if (typeof value !== "object" || Array.isArray(value)) return `${path} is not an object`;
      return Object.entries(value)
        .map(([k, v]) => misfit(v, type.value, `${path}.${k}`))
        .find(Boolean);
    case "struct":
      if (typeof value !== "object" || Array.isArray(value)) return `${path} is not an object`;
      return Object.entries(value)
        .map(([k, v]) => {
          const field = type.fields.get(k.toLowerCase());
          return field ? misfit(v, field, `${path}.${k}`) : `${path}.${k} has no field in the table`;
        })
        .find(Boolean);
  }
}

const tableType = (columns: readonly GlueColumn[]): HiveType => ({
  kind: "struct",
  fields: new Map(columns.map((column) => [column.name, parseHiveType(column.type)])),
});

describe("glueColumns of the index record", () => {
  it("is the table written out above, one column per field in the schema's order", () => {
    expect(glueColumns(IndexRecordSchema)).toEqual(RECORD_COLUMNS);
    expect(RECORD_COLUMNS.map((column) => column.name)).toEqual(
      Object.keys(IndexRecordSchema.shape).map((key) => key.toLowerCase()),
    );
  });

  it("reads every field of real records, explained and failed, at its type", () => {
    const table = tableType(glueColumns(IndexRecordSchema));
    const records = [
      ...Array.from({ length: 30 }, (_, i) => syntheticRecord(i)),
      ...Array.from({ length: 10 }, (_, i) =>
        recordFromSummary(
          `uploads/${i}.png`,
          `results/${i}.png/summary.json`,
          handMadeSummary(i, `uploads/${i}.png`),
          new Date(0),
        ),
      ),
    ];
    expect(records.some((record) => record.status === "failed")).toBe(true);
    expect(records.some((record) => (record.explanations?.targets[0]?.gradCam ?? null) !== null)).toBe(true);
    expect(records.some((record) => (record.explanations?.activations.length ?? 0) > 0)).toBe(true);
    const problems = records.map((record, i) =>
      misfit(JSON.parse(JSON.stringify(record)), table, `record ${i}`),
    );
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it("is checked by an oracle that finds a field without a column or at the wrong type", () => {
    const table = tableType(glueColumns(IndexRecordSchema));
    const record = JSON.parse(JSON.stringify(syntheticRecord(1))) as Record<string, unknown>;
    expect(misfit({ ...record, newField: 1 }, table, "r")).toBe("r.newField has no field in the table");
    expect(misfit({ ...record, topScore: "0.9" }, table, "r")).toBe("r.topScore is not a number");
  });
});

describe("glueColumns", () => {
  it("maps each zod type to its Hive type, unwrapping nullable and optional", () => {
    const schema = z.object({
      s: z.string(),
      e: z.enum(["a", "b"]),
      n: z.number(),
      i: z.number().int(),
      b: z.boolean().nullable(),
      v: z.literal(2),
      t: z.literal("x").optional(),
      list: z.array(z.object({ camelCase: z.number().int() })),
      byName: z.record(z.string(), z.array(z.string())),
    });
    expect(glueColumns(schema)).toEqual([
      { name: "s", type: "string" },
      { name: "e", type: "string" },
      { name: "n", type: "double" },
      { name: "i", type: "bigint" },
      { name: "b", type: "boolean" },
      { name: "v", type: "int" },
      { name: "t", type: "string" },
      { name: "list", type: "array<struct<camelcase:bigint>>" },
      { name: "byname", type: "map<string,array<string>>" },
    ]);
  });

  it("refuses a field with no Glue type, naming its path, so a new record field cannot go unmapped", () => {
    expect(() => glueColumns(IndexRecordSchema.extend({ seenAt: z.date() }))).toThrow(
      /^seenAt is a zod date, which has no Glue type in infra\/athena-columns\.ts/,
    );
    expect(() =>
      glueColumns(z.object({ a: z.array(z.object({ b: z.union([z.string(), z.number()]) })) })),
    ).toThrow(/^a\[\]\.b is a zod union/);
    expect(() => glueColumns(z.object({ v: z.literal([1, "one"]) }))).toThrow(
      /^v is a zod literal of 1, one/,
    );
  });

  it("refuses two fields that are one column to Athena", () => {
    expect(() =>
      glueColumns(z.object({ o: z.object({ topScore: z.number(), topscore: z.number() }) })),
    ).toThrow(
      "fields o.topScore and o.topscore are the same column to Athena, which ignores case; rename one",
    );
  });
});
