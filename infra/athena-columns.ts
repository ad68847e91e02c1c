import { z } from "zod";

/** A Glue table column: a name and a Hive type such as `array<string>`. */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * The Glue columns of a zod object schema, one per field in order, for a JSON table read by the OpenX JSON SerDe:
 * strings and enums are `string`, whole numbers `bigint` (a numeric literal `int`), other numbers `double`,
 * booleans `boolean`, arrays `array<…>`, records with string keys `map<string,…>` and objects `struct<…>`;
 * nullable and optional fields are plain columns, which read null when the value is null or absent. Names are
 * lower-cased, as the SerDe lower-cases JSON keys before it matches them to columns, and Athena matches unquoted
 * names in any case.
 * @throws Error naming the field and its zod type, for a type that has no Glue type here, or for two fields whose
 *   names differ only in case
 */
export function glueColumns(schema: z.ZodObject): GlueColumn[] {
  return fields(schema, "").map(({ name, type }) => ({ name, type }));
}

function fields(schema: z.ZodObject, path: string): { name: string; type: string }[] {
  const seen = new Map<string, string>();
  return Object.entries(schema.shape).map(([key, field]) => {
    const name = key.toLowerCase();
    const clash = seen.get(name);
    if (clash !== undefined) {
      throw new Error(
        `fields ${path}${clash} and ${path}${key} are the same column to Athena, which ignores case; rename one`,
      );
    }
    seen.set(name, key);
    return { name, type: glueType(field as z.ZodType, `${path}${key}`) };
  });
}

function glueType(schema: z.ZodType, path: string): string {
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) {
    return glueType(schema.unwrap() as z.ZodType, path);
  }
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return "string";
  if (schema instanceof z.ZodBoolean) return "boolean";
  if (schema instanceof z.ZodNumber) return schema.format === "safeint" ? "bigint" : "double";
  if (schema instanceof z.ZodLiteral) return literalType(schema, path);
  if (schema instanceof z.ZodArray) return `array<${glueType(schema.element as z.ZodType, `${path}[]`)}>`;
  if (schema instanceof z.ZodRecord && schema.keyType instanceof z.ZodString) {
    return `map<string,${glueType(schema.valueType as z.ZodType, `${path}{}`)}>`;
  }
  if (schema instanceof z.ZodObject) {
    return `struct<${fields(schema, `${path}.`)
      .map(({ name, type }) => `${name}:${type}`)
      .join(",")}>`;
  }
  throw new Error(
    `${path} is a zod ${schema.def.type}, which has no Glue type in infra/athena-columns.ts; ` +
      `map it there, or give the field a type that has one`,
  );
}

function literalType(schema: z.ZodLiteral, path: string): string {
  const types = new Set(
    [...schema.values].map((value) =>
      typeof value === "number" && Number.isInteger(value)
        ? "int"
        : typeof value === "string"
          ? "string"
          : typeof value === "boolean"
            ? "boolean"
            : undefined,
    ),
  );
  const [type] = types;
  if (types.size !== 1 || type === undefined) {
    throw new Error(
      `${path} is a zod literal of ${[...schema.values].map(String).join(", ")}, which has no one Glue type`,
    );
  }
  return type;
}
