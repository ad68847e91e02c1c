import { ENV } from "../../shared/config/environment.js";
import { parseScalerSettings } from "../../shared/config/scaler-settings.js";
import { regionOr } from "../../shared/storage/aws-connection.js";
import { batchClient } from "../../shared/storage/batch-client.js";
import { sqsClient } from "../../shared/storage/sqs-client.js";
import { scaleWorkers, type ScaleDecision } from "./handler.js";

// Lambda sets AWS_REGION.
const aws = { region: regionOr(process.env[ENV.region]) };
const sqs = sqsClient(aws);
const batch = batchClient(aws);
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/** The scaler Lambda's entry point; its input is the schedule rule's constant, see shared/config/scaler-settings.ts. */
export const handler = (event: unknown): Promise<ScaleDecision> =>
  scaleWorkers(parseScalerSettings(event), { sqs, batch, log });
