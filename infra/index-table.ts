import { Duration, Stack } from "aws-cdk-lib";
import * as athena from "aws-cdk-lib/aws-athena";
import * as glue from "aws-cdk-lib/aws-glue";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { IndexRecordSchema } from "../shared/schema/index-record.js";
import { RECORDS_PREFIX } from "../shared/storage/s3-layout.js";
import { glueColumns } from "./athena-columns.js";

/** Where the index table's workgroup writes query results, in the main bucket. */
export const ATHENA_RESULTS_PREFIX = "athena-results/";

/** Query results are kept this many days; the records they came from stay under index/records/. */
export const ATHENA_RESULTS_DAYS = 7;

/** The name of the records table, in the database named after the stack. */
export const RECORDS_TABLE = "records";

/** The JSON SerDe Athena documents for JSON Lines, and the text formats it reads through. */
export const JSON_LINES_FORMAT = {
  serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
  inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
} as const;

export interface IndexTableProps {
  /** The bucket whose index/records/ the table reads; its workgroup writes results under athena-results/. */
  readonly bucket: s3.Bucket;
}

/**
 * The index records as an Athena table, so queries over any number of records need no download: a Glue database
 * named after the stack (`CnnLens` → `cnn_lens`), a table over every object under index/records/ (whatever the
 * shards are named) whose columns come from the record's zod schema, and a workgroup that writes encrypted
 * results under athena-results/, where they expire after {@link ATHENA_RESULTS_DAYS} days. The records are sharded
 * by arrival, not by anything a query filters on, so the table has no partitions: a query reads the whole index.
 */
export class IndexTable extends Construct {
  readonly databaseName: string;
  readonly tableName: string;
  readonly workGroupName: string;
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: IndexTableProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.databaseName = athenaName(stack.stackName);
    this.tableName = RECORDS_TABLE;
    this.workGroupName = this.databaseName;
    const bucket = props.bucket.bucketName;

    this.database = new glue.CfnDatabase(this, "Database", {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: "cnn-lens: the index of explained images",
      },
    });
    this.table = new glue.CfnTable(this, "Records", {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: "cnn-lens: one row per image, from the JSON Lines shards under index/records/",
        tableType: "EXTERNAL_TABLE",
        parameters: { classification: "json", EXTERNAL: "TRUE" },
        storageDescriptor: {
          location: `s3://${bucket}/${RECORDS_PREFIX}`,
          columns: glueColumns(IndexRecordSchema),
          inputFormat: JSON_LINES_FORMAT.inputFormat,
          outputFormat: JSON_LINES_FORMAT.outputFormat,
          serdeInfo: { serializationLibrary: JSON_LINES_FORMAT.serializationLibrary },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    this.workGroup = new athena.CfnWorkGroup(this, "WorkGroup", {
      name: this.workGroupName,
      description: "cnn-lens: queries over the index records",
      state: "ENABLED",
      // Lets the stack delete the workgroup with its query history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${bucket}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: "SSE_S3" },
        },
      },
    });
    props.bucket.addLifecycleRule({
      id: "ExpireAthenaResults",
      prefix: ATHENA_RESULTS_PREFIX,
      expiration: Duration.days(ATHENA_RESULTS_DAYS),
      noncurrentVersionExpiration: Duration.days(1),
    });
  }
}

/** A stack name as an Athena database name: lower case, words joined by `_` (`CnnLens` → `cnn_lens`). */
export function athenaName(stackName: string): string {
  return stackName
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .toLowerCase();
}
