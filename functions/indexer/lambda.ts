import { ENV, environmentReader } from "../../shared/config/environment.js";
import { s3Client } from "../../shared/storage/s3-client.js";
import { handleIndexEvent, type SqsBatchResponse, type SqsEvent } from "./handler.js";
import {
  isRefreshReportEvent,
  REPORT_MIN_INTERVAL_MS,
  SCHEDULE_JITTER_MS,
} from "../../shared/report/regeneration.js";
import { Deadline } from "./deadline.js";
import { refreshReport, type ReportRefresh } from "./report-refresh.js";
import { regionOr } from "../../shared/storage/aws-connection.js";

const env = environmentReader(process.env);
const bucket = env.required(ENV.bucket, "the name of the cnn-lens bucket");
const s3 = s3Client({ region: regionOr(env.string(ENV.region)) });
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));
/** Time kept back from the function's timeout to answer: report batch item failures, or write the report's page. */
const ANSWER_MARGIN_MS = 5_000;

/** The part of the Lambda context the handler reads. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** The index Lambda's entry point: batches from the index queue, and the schedule's report refreshes. */
export async function handler(
  event: SqsEvent | { task: string },
  context: LambdaContext,
): Promise<SqsBatchResponse | ReportRefresh | undefined> {
  const deadline = Deadline.forLambda(context.getRemainingTimeInMillis(), ANSWER_MARGIN_MS);
  if (!isRefreshReportEvent(event)) return handleIndexEvent(event as SqsEvent, { s3, bucket, log, deadline });
  try {
    const refresh = await refreshReport({
      s3,
      bucket,
      minIntervalMs: REPORT_MIN_INTERVAL_MS - SCHEDULE_JITTER_MS,
      deadline,
    });
    log({ event: "report-refresh", ...refresh });
    return refresh;
  } catch (error) {
    // The schedule does not retry; the next run, a minute later, tries again.
    log({ event: "report-refresh-failed", error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
