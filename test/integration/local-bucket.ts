import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ensureLocalStack } from "../../cli/local/localstack.js";
import { LOCALSTACK } from "../../shared/storage/aws-connection.js";
import { s3Client } from "../../shared/storage/s3-client.js";

/** The object commands the index uses, as the recorder names them. */
export type ObjectCommand = "Get" | "Head" | "Put";

const OBJECT_COMMANDS: Record<string, ObjectCommand> = {
  GetObjectCommand: "Get",
  HeadObjectCommand: "Head",
  PutObjectCommand: "Put",
};

/**
 * A fresh bucket in the real LocalStack, with a client that records every object command it sends and can fail
 * one before it is sent (`intercept` throws), to test what code does when S3 calls fail part way.
 */
export class LocalBucket {
  /** Every object command sent through {@link client}: its name and key. */
  readonly calls: { readonly command: ObjectCommand; readonly key: string }[] = [];
  /** Sees every object command before it is sent, and may throw to fail it. */
  intercept?: (command: ObjectCommand, key: string) => void;
  /** The client under test; an error thrown by `intercept` reaches the caller as S3's would, without retries. */
  readonly client: S3Client = s3Client(LOCALSTACK);
  /** A client without recording or failures, for the test's own reads. */
  private readonly reader: S3Client = s3Client(LOCALSTACK);

  private constructor(readonly name: string) {
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = OBJECT_COMMANDS[context.commandName ?? ""];
        if (command !== undefined) {
          const key = String((args.input as { Key?: string }).Key ?? "");
          this.calls.push({ command, key });
          this.intercept?.(command, key);
        }
        return next(args);
      },
      { step: "initialize", name: "localBucketRecorder" },
    );
  }

  static async create(): Promise<LocalBucket> {
    await ensureLocalStack(LOCALSTACK);
    const bucket = new LocalBucket(`cnn-lens-test-${randomBytes(6).toString("hex")}`);
    await bucket.reader.send(new CreateBucketCommand({ Bucket: bucket.name }));
    return bucket;
  }

  /** An object's body as text, or undefined when there is none. */
  async text(key: string): Promise<string | undefined> {
    try {
      const object = await this.reader.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
      return await object.Body?.transformToString();
    } catch (error) {
      if ((error as Error).name === "NoSuchKey") return undefined;
      throw error;
    }
  }

  /** An object's user metadata, or undefined when there is no object. */
  async metadata(key: string): Promise<Record<string, string> | undefined> {
    try {
      return (await this.reader.send(new HeadObjectCommand({ Bucket: this.name, Key: key }))).Metadata ?? {};
    } catch (error) {
      if ((error as Error).name === "NotFound") return undefined;
      throw error;
    }
  }

  /** The keys under a prefix, sorted. */
  async keys(prefix = ""): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.reader.send(
        new ListObjectsV2Command({ Bucket: this.name, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }
}
