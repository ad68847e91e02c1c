import { describe, expect, it } from "vitest";
import { glueColumns } from "../../infra/athena-columns.js";
import {
  ATHENA_RESULTS_DAYS,
  ATHENA_RESULTS_PREFIX,
  athenaName,
  JSON_LINES_FORMAT,
  RECORDS_TABLE,
} from "../../infra/index-table.js";
import { IndexRecordSchema } from "../../shared/schema/index-record.js";
import { PREFIXES, RECORDS_PREFIX, shardKey } from "../../shared/storage/s3-layout.js";
import { buildStack, onlyResource, render } from "./stack-fixture.js";

interface TableProperties {
  CatalogId: unknown;
  DatabaseName: string;
  TableInput: {
    Name: string;
    TableType: string;
    PartitionKeys?: unknown;
    StorageDescriptor: {
      Location: unknown;
      Columns: unknown;
      InputFormat: string;
      OutputFormat: string;
      SerdeInfo: { SerializationLibrary: string };
    };
  };
}

describe("the Athena table over the index records", () => {
  it("lives in a Glue database named after the stack, as a table named records", () => {
    const { template } = buildStack();
    const database = onlyResource<{ DatabaseInput: { Name: string } }>(template, "AWS::Glue::Database");
    const table = onlyResource<TableProperties>(template, "AWS::Glue::Table");
    expect(database.Properties.DatabaseInput.Name).toBe("cnn_lens");
    expect(table.Properties.DatabaseName).toBe("cnn_lens");
    expect(table.Properties.TableInput.Name).toBe(RECORDS_TABLE);
    expect(template.toJSON().Outputs.AthenaTable).toEqual({ Value: "cnn_lens.records" });
  });

  it("reads every object under index/records/ as JSON Lines, whatever the shards are called, with no partitions", () => {
    const { template, stack, logicalId } = buildStack();
    const { TableInput } = onlyResource<TableProperties>(template, "AWS::Glue::Table").Properties;
    const location = render(TableInput.StorageDescriptor.Location);
    expect(location).toBe(`s3://<${logicalId(stack.storage.bucket)}>/${RECORDS_PREFIX}`);
    expect(shardKey(3).startsWith(location.slice(location.indexOf(">/") + 2))).toBe(true);
    expect(TableInput.TableType).toBe("EXTERNAL_TABLE");
    expect(TableInput.PartitionKeys).toBeUndefined();
    expect(TableInput.StorageDescriptor).toMatchObject({
      InputFormat: "org.apache.hadoop.mapred.TextInputFormat",
      OutputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
      SerdeInfo: { SerializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
    });
    expect(JSON_LINES_FORMAT.serializationLibrary).toBe("org.openx.data.jsonserde.JsonSerDe");
  });

  it("has the columns derived from the record schema (test/infra/athena-columns.test.ts checks them)", () => {
    const { template } = buildStack();
    const { TableInput } = onlyResource<TableProperties>(template, "AWS::Glue::Table").Properties;
    expect(TableInput.StorageDescriptor.Columns).toEqual(
      glueColumns(IndexRecordSchema).map(({ name, type }) => ({ Name: name, Type: type })),
    );
  });

  it("is queried in a workgroup that writes encrypted results under athena-results/, kept a week", () => {
    const { template, stack, logicalId } = buildStack();
    const workGroup = onlyResource<{
      Name: string;
      RecursiveDeleteOption: boolean;
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: boolean;
        ResultConfiguration: { OutputLocation: unknown; EncryptionConfiguration: unknown };
      };
    }>(template, "AWS::Athena::WorkGroup").Properties;
    expect(workGroup.Name).toBe("cnn_lens");
    expect(workGroup.RecursiveDeleteOption).toBe(true);
    expect(workGroup.WorkGroupConfiguration.EnforceWorkGroupConfiguration).toBe(true);
    expect(render(workGroup.WorkGroupConfiguration.ResultConfiguration.OutputLocation)).toBe(
      `s3://<${logicalId(stack.storage.bucket)}>/${ATHENA_RESULTS_PREFIX}`,
    );
    expect(workGroup.WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration).toEqual({
      EncryptionOption: "SSE_S3",
    });
    expect(Object.values(PREFIXES).some((prefix) => ATHENA_RESULTS_PREFIX.startsWith(prefix))).toBe(false);
    const bucket = template.toJSON().Resources[logicalId(stack.storage.bucket)] as {
      Properties: { LifecycleConfiguration: { Rules: { Id: string }[] } };
    };
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual({
      Id: "ExpireAthenaResults",
      Status: "Enabled",
      Prefix: ATHENA_RESULTS_PREFIX,
      ExpirationInDays: ATHENA_RESULTS_DAYS,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    });
    expect(template.toJSON().Outputs.AthenaWorkGroup).toEqual({ Value: "cnn_lens" });
  });
});

describe("athenaName", () => {
  it("turns a stack name into a lower-case Athena name with words joined by _", () => {
    expect(athenaName("CnnLens")).toBe("cnn_lens");
    expect(athenaName("CnnLensStaging2")).toBe("cnn_lens_staging2");
    expect(athenaName("cnn-lens-prod")).toBe("cnn_lens_prod");
  });
});
