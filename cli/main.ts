import { ANALYZE_USAGE, analyzeCommand } from "./analyze.js";
import { MODEL_USAGE, modelCommand } from "./model-commands.js";
import {
  FETCH_USAGE,
  fetchCommand,
  QUERY_USAGE,
  queryCommand,
  STATUS_USAGE,
  statusCommand,
  UPLOAD_USAGE,
  uploadCommand,
} from "./pipeline-commands.js";
import { REDRIVE_USAGE, redriveCommand } from "./redrive.js";
import { REPORT_USAGE, reportCommand } from "./report.js";
import { UsageError } from "./usage-error.js";
import { START_USAGE, startCommand } from "./start.js";

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number>; usage: string }> = {
  analyze: { run: analyzeCommand, usage: ANALYZE_USAGE },
  start: { run: startCommand, usage: START_USAGE },
  upload: { run: uploadCommand, usage: UPLOAD_USAGE },
  status: { run: statusCommand, usage: STATUS_USAGE },
  redrive: { run: redriveCommand, usage: REDRIVE_USAGE },
  query: { run: queryCommand, usage: QUERY_USAGE },
  fetch: { run: fetchCommand, usage: FETCH_USAGE },
  report: { run: reportCommand, usage: REPORT_USAGE },
  model: { run: modelCommand, usage: MODEL_USAGE },
};

const USAGE = `usage: cnn-lens <command> [options]

commands:
  start     run the local pipeline on LocalStack (npm start)
  analyze   explain local images with a model bundle
  upload    upload images to the pipeline
  status    queue depths, dead letters and manifest totals
  redrive   move dead letters back to their queues, to be tried again
  query     list indexed images by label, status, score or misclassification
  fetch     copy one image's results to a folder
  report    write the results report (report.html) to a folder
  model     import a Keras .h5 or .keras model as a bundle, or upload a bundle under models/

run cnn-lens <command> --help for its options`;

/** The `cnn-lens` command line: dispatches to one module per command and turns errors into exit codes. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || ["help", "--help", "-h"].includes(name)) {
    console.log(USAGE);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`cnn-lens: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`cnn-lens ${name}: ${message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`cnn-lens ${name}: ${message}`);
    return 1;
  }
}
