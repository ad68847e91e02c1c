import { BatchClient } from "@aws-sdk/client-batch";
import { SQSClient } from "@aws-sdk/client-sqs";
import { scaleWorkers, type ScaleDecision } from "./handler.js";
import { parseScalerSettings } from "../../shared/config/scaler-settings.js";

// Lambda sets AWS_REGION; the SDK reads it.
const sqs = new SQSClient({});
const batch = new BatchClient({});
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/** The scaler Lambda's entry point; its input is the schedule rule's constant, see shared/config/scaler-settings.ts. */
export const handler = (event: unknown): Promise<ScaleDecision> =>
  scaleWorkers(parseScalerSettings(event), { sqs, batch, log });
