import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ENV } from "../shared/config/environment.js";
import { REFRESH_REPORT_EVENT } from "../shared/report/regeneration.js";
import { INDEX_TIMEOUT_SECONDS } from "../shared/storage/queue-settings.js";
import { PREFIXES } from "../shared/storage/s3-layout.js";
import {
  acknowledge,
  GRANT_PUT_FINDINGS,
  GRANT_READ_FINDINGS,
  objectsFinding,
} from "./nag-acknowledgments.js";
import { NodeFunction } from "./node-function.js";
import { INDEXER_ENTRY } from "./source-paths.js";
import { scheduledInvocation } from "./scheduled-invocation.js";

/** Index updates at once: each one rewrites the manifest with If-Match, so more would mostly retry. */
export const INDEX_MAX_CONCURRENCY = 2;

export interface IndexFunctionProps {
  /** The bucket: the function reads results/ and reads and writes index/. */
  readonly bucket: s3.IBucket;
  /** The queue of summary.json notifications. */
  readonly indexQueue: sqs.IQueue;
  /** @default 10 */
  readonly batchSize?: number;
  /**
   * How often the schedule asks the function to refresh index/report.html; it regenerates only when the index
   * changed and its last report is a minute old.
   * @default Duration.minutes(1)
   */
  readonly reportInterval?: Duration;
}

/**
 * The index Lambda (functions/indexer/lambda.ts) fed by the index queue, retrying only the failed messages, and
 * run by a schedule to refresh the report, so the report follows the index at most once a minute, never per image.
 */
export class IndexFunction extends Construct {
  readonly function: NodeFunction;
  readonly reportSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: IndexFunctionProps) {
    super(scope, id);
    this.function = new NodeFunction(this, "Indexer", {
      entry: INDEXER_ENTRY,
      description:
        "cnn-lens indexer: keeps index/manifest.json, index/records/ and index/report.html up to date",
      environment: { [ENV.bucket]: props.bucket.bucketName },
      timeout: Duration.seconds(INDEX_TIMEOUT_SECONDS),
      memorySize: 512,
    });
    const fn = this.function.function;
    props.bucket.grantRead(fn, `${PREFIXES.results}*`);
    props.bucket.grantRead(fn, `${PREFIXES.index}*`);
    props.bucket.grantPut(fn, `${PREFIXES.index}*`);
    acknowledge(this.function.role, {
      ...GRANT_READ_FINDINGS,
      ...GRANT_PUT_FINDINGS,
      [objectsFinding(props.bucket, PREFIXES.results)]:
        "The indexer reads the summaries, results/<key>/summary.json.",
      [objectsFinding(props.bucket, PREFIXES.index)]:
        "The indexer keeps the manifest, record shards, key markers and the report, all under index/.",
    });
    fn.addEventSource(
      new SqsEventSource(props.indexQueue, {
        batchSize: props.batchSize ?? 10,
        reportBatchItemFailures: true,
        maxConcurrency: INDEX_MAX_CONCURRENCY,
      }),
    );
    this.reportSchedule = scheduledInvocation(this, "ReportSchedule", {
      description: "cnn-lens: refresh index/report.html when the index changed",
      function: fn,
      event: REFRESH_REPORT_EVENT,
      interval: props.reportInterval,
    });
  }
}
