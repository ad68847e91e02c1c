import { ANALYZE_USAGE, analyzeCommand, UsageError } from "./analyze.js";

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number>; usage: string }> = {
  analyze: { run: analyzeCommand, usage: ANALYZE_USAGE },
};

const USAGE = `usage: cnn-lens <command> [options]

commands:
  analyze   explain images with a model bundle (cnn-lens analyze --help)
  help      show this message`;

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
