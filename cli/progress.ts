/** A one-line progress bar on a terminal; on anything else, one line per item. */
export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr) {
  let done = 0;
  const interactive = stream.isTTY && total > 1;
  return {
    tick(label: string, ok: boolean) {
      done++;
      if (interactive) {
        const width = 30;
        const filled = Math.round((done / total) * width);
        stream.write(
          `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${label.slice(-40).padEnd(40)}`,
        );
        if (done === total) stream.write("\n");
      } else {
        stream.write(`${ok ? "ok    " : "FAILED"} ${done}/${total} ${label}\n`);
      }
    },
  };
}
