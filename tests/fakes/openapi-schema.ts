// A small validator for the OpenAPI 3 schema subset the *arr specs use (type, format int32/int64,
// nullable, enum, properties with additionalProperties: false, items, uniqueItems, $ref by name).

export interface Schema {
  readonly type?: "object" | "array" | "string" | "integer" | "boolean" | "number";
  readonly format?: "int32" | "int64" | "double" | "date-time";
  readonly nullable?: boolean;
  readonly enum?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: false;
  readonly items?: Schema;
  readonly uniqueItems?: boolean;
  /** A component schema's name, resolved in the registry passed to validate(). */
  readonly $ref?: string;
}

export type SchemaRegistry = Readonly<Record<string, Schema>>;

/** "fields[2].value: expected integer" lines; empty when the value is valid. */
export function validate(value: unknown, schema: Schema, registry: SchemaRegistry, path = "$"): string[] {
  if (schema.$ref !== undefined) {
    const target = registry[schema.$ref];
    if (target === undefined) throw new Error(`schema ${schema.$ref} is not in the registry`);
    return validate(value, target, registry, path);
  }
  if (value === null)
    return schema.nullable || schema.type === undefined ? [] : [`${path}: must not be null`];
  if (value === undefined) return [];
  if (schema.enum !== undefined) {
    return typeof value === "string" && schema.enum.includes(value)
      ? []
      : [`${path}: must be one of ${schema.enum.join(", ")}`];
  }
  switch (schema.type) {
    case undefined:
      return [];
    case "string":
      return typeof value === "string" ? [] : [`${path}: expected string`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: expected boolean`];
    case "number":
      return typeof value === "number" ? [] : [`${path}: expected number`];
    case "integer": {
      if (typeof value !== "number" || !Number.isInteger(value)) return [`${path}: expected integer`];
      if (schema.format === "int32" && (value < -(2 ** 31) || value >= 2 ** 31))
        return [`${path}: out of int32 range`];
      return [];
    }
    case "array": {
      if (!Array.isArray(value)) return [`${path}: expected array`];
      const errors = value.flatMap((item, index) =>
        schema.items ? validate(item, schema.items, registry, `${path}[${index}]`) : [],
      );
      if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) {
        errors.push(`${path}: items must be unique`);
      }
      return errors;
    }
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${path}: expected object`];
      const errors: string[] = [];
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const property = schema.properties?.[key];
        if (property === undefined) {
          if (schema.additionalProperties === false) errors.push(`${path}.${key}: unknown property`);
          continue;
        }
        errors.push(...validate(item, property, registry, `${path}.${key}`));
      }
      return errors;
    }
  }
}
