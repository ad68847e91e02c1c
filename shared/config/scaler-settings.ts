import { z } from "zod";

/**
 * What the schedule rule hands the scaler on every run. The CDK writes it (infra/worker-scaler.ts) from the
 * deployment config; the scaler checks it before it calls any AWS API.
 */
const scalerSettingsSchema = z
  .object({
    /** The work queue whose depth drives the scaling. */
    workQueueUrl: z.string().startsWith("https://"),
    /** The Batch job queue workers are submitted to (ARN). */
    jobQueue: z.string().startsWith("arn:"),
    /** The worker's job definition (ARN with revision). */
    jobDefinition: z.string().startsWith("arn:"),
    /** The name every submitted worker job gets. */
    jobName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/),
    /** The most workers to have at once. */
    maxWorkers: z.number().int().min(1).max(10_000),
    /** One worker is wanted per this many queued images. */
    imagesPerWorker: z.number().int().min(1),
  })
  .strict();

export type ScalerSettings = z.infer<typeof scalerSettingsSchema>;

/** Checks the rule's input; the error lists every bad field. */
export function parseScalerSettings(input: unknown): ScalerSettings {
  const result = scalerSettingsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`);
  throw new Error(
    `the scaler's input is not valid (${problems.join("; ")}); it is written by infra/worker-scaler.ts, ` +
      `so redeploy the stack, or invoke the function with the schedule rule's input`,
  );
}
