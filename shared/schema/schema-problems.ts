import type { z } from "zod";

/** A zod error as the lines cnn-lens's schema errors list: `  - <field path>: <message>`, one per problem. */
export function schemaProblems(error: z.ZodError): string {
  return error.issues.map((issue) => `  - ${issue.path.join(".") || "(root)"}: ${issue.message}`).join("\n");
}
