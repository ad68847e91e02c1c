/** The `cnn-lens` command line: dispatches to one module per command. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return 0;
    default:
      console.error(`cnn-lens: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

const USAGE = `usage: cnn-lens <command> [options]

commands:
  help      show this message`;
