import { IgnoreStrategy } from "aws-cdk-lib";

/** One instruction of a Dockerfile: its keyword in upper case and its arguments, continuation lines joined. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** A build stage: its base image with the global ARG defaults filled in, its name, and its instructions. */
export interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Splits a Dockerfile into stages, the way `docker build` reads it (comment lines dropped, `\` lines joined). */
export function parseDockerfile(text: string): readonly Stage[] {
  const logical = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const defaults = new Map<string, string>();
  const stages: { from: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    const stage = stages.at(-1);
    if (instruction.keyword === "FROM") {
      const [image = "", , name] = args.replace(/--platform=\S+\s+/, "").split(/\s+/);
      const from = image.replace(/\$\{?(\w+)\}?/g, (_, variable: string) => defaults.get(variable) ?? "");
      stages.push({ from, name, instructions: [] });
    } else if (stage) {
      stage.instructions.push(instruction);
    } else if (instruction.keyword === "ARG") {
      const [variable = "", value = ""] = args.split("=", 2);
      defaults.set(variable, value);
    }
  }
  return stages;
}

/** The base images (not earlier stages) that are not pinned as `image:tag@sha256:<64 hex digits>`. */
export function unpinnedBaseImages(stages: readonly Stage[]): string[] {
  const names = new Set(stages.map((stage) => stage.name));
  return stages
    .map((stage) => stage.from)
    .filter((from) => !names.has(from) && !/^[^\s@:]+:[^\s@]+@sha256:[0-9a-f]{64}$/.test(from));
}

/**
 * The nvidia/cuda images whose CUDA or distribution NVIDIA no longer maintains: CUDA 11 and older, and the
 * Ubuntu 16.04, 18.04 and 20.04 images (past their standard support).
 */
export function endOfLifeCudaImages(stages: readonly Stage[]): string[] {
  return stages
    .map((stage) => stage.from)
    .filter((from) =>
      /^(?:docker\.io\/)?nvidia\/cuda:(?:(?:\d|1[01])\.|.*ubuntu(?:16|18|20)\.04)/.test(from),
    );
}

/** The `RUN` arguments of a stage, one string each. */
export function runCommands(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
}

/** The build-context paths a stage copies (`COPY` without `--from`), e.g. `package.json`, `shared`. */
export function copiedFromContext(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === "COPY" && !/--from=/.test(i.args))
    .flatMap((i) =>
      i.args
        .split(/\s+/)
        .filter((word) => !word.startsWith("--"))
        .slice(0, -1),
    );
}

/** Whether `.dockerignore` (its lines, comments and blank lines included) keeps a path out of the build context. */
export function dockerIgnores(root: string, dockerignore: string, path: string): boolean {
  const patterns = dockerignore.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
  return IgnoreStrategy.docker(root, patterns).ignores(`${root.replace(/\/$/, "")}/${path}`);
}
