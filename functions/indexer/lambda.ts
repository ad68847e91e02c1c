import { ENV, environmentReader } from "../../shared/config/environment.js";
import { s3Client } from "../../shared/storage/aws-clients.js";
import { handleIndexEvent, type SqsBatchResponse, type SqsEvent } from "./handler.js";

const env = environmentReader(process.env);
const bucket = env.required(ENV.bucket, "the name of the cnn-lens bucket");
const s3 = s3Client({ region: env.string(ENV.region) ?? "us-east-1" });
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/** The index Lambda's entry point. */
export const handler = (event: SqsEvent): Promise<SqsBatchResponse> =>
  handleIndexEvent(event, { s3, bucket, log });
