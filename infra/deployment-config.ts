import { DEFAULT_MAX_UPLOAD_BYTES, MIB } from "../shared/config/upload-limits.js";
import { DEFAULT_MODEL_NAME, modelPrefixFor } from "../shared/storage/s3-layout.js";

/** Every setting is a cdk.json context key with this prefix, e.g. `"cnn-lens:maxWorkers": 4`. */
export const CONTEXT_PREFIX = "cnn-lens:";

export const CAPACITY_CHOICES = ["spot", "on-demand"] as const;
export type Capacity = (typeof CAPACITY_CHOICES)[number];

/**
 * How GPU instances reach ECR, Batch, ECS and CloudWatch Logs: `none` puts them in public subnets with public IPs
 * and no inbound rules (no NAT gateway to pay for); `single` puts them in private subnets behind one NAT gateway.
 */
export const NAT_CHOICES = ["none", "single"] as const;
export type NatChoice = (typeof NAT_CHOICES)[number];

/**
 * The CUDA targets of TensorFlow 2.21's CUDA build, the `tensorflow` wheel of native/requirements-gpu.lock (its
 * `tensorflow/python/platform/build_info.py`): machine code for these compute capabilities, and PTX for 9.0. A GPU
 * runs the `sm_X.Y` code of its own major version X whose Y is no higher than its own; a newer GPU compiles the PTX.
 */
export const TENSORFLOW_CUDA_TARGETS = ["sm_60", "sm_70", "sm_80", "sm_89", "compute_90"] as const;

/**
 * The instance families the worker may run on, each with its NVIDIA GPU and the GPU's compute capability: the
 * x86_64 families whose GPU both TensorFlow 2.21 ({@link TENSORFLOW_CUDA_TARGETS}) and the ECS_AL2023_NVIDIA AMI
 * drive. That AMI loads NVIDIA's open kernel module, which drives Turing (7.5) and newer only.
 *
 * Left out: p3/p3dn (V100, 7.0: TensorFlow has sm_70, but the open kernel module does not drive Volta), g3 (M60,
 * 5.2: below TensorFlow's 6.0 too), g4ad (AMD), g5g (Arm), and the Blackwell families (g7e, p6), which would
 * compile the 9.0 PTX but are untested here.
 */
export const GPU_ARCHITECTURES = {
  g4dn: { gpu: "NVIDIA T4", computeCapability: "7.5" }, // Turing: runs sm_70
  g5: { gpu: "NVIDIA A10G", computeCapability: "8.6" }, // Ampere: runs sm_80
  g6: { gpu: "NVIDIA L4", computeCapability: "8.9" }, // Ada: runs sm_89
  g6e: { gpu: "NVIDIA L40S", computeCapability: "8.9" }, // Ada: runs sm_89
  gr6: { gpu: "NVIDIA L4", computeCapability: "8.9" }, // Ada: runs sm_89
  p4d: { gpu: "NVIDIA A100", computeCapability: "8.0" }, // Ampere: runs sm_80
  p4de: { gpu: "NVIDIA A100 80GB", computeCapability: "8.0" }, // Ampere: runs sm_80
  p5: { gpu: "NVIDIA H100", computeCapability: "9.0" }, // Hopper: compiles compute_90 at first use
  p5e: { gpu: "NVIDIA H200", computeCapability: "9.0" }, // Hopper: compiles compute_90 at first use
  p5en: { gpu: "NVIDIA H200", computeCapability: "9.0" }, // Hopper: compiles compute_90 at first use
} as const;

/** The families of {@link GPU_ARCHITECTURES}: a `cnn-lens:gpuInstanceTypes` entry must be of one of them. */
export const GPU_FAMILIES = Object.keys(GPU_ARCHITECTURES) as readonly (keyof typeof GPU_ARCHITECTURES)[];

/** The cloud deployment's settings, read once from cdk.json context (`cnn-lens:<field>`). */
export interface DeploymentConfig {
  /** The instance types Batch may launch, each with an NVIDIA GPU. @default ["g4dn.xlarge"] */
  readonly gpuInstanceTypes: readonly string[];
  /** Spot (interruptible, about a third of the price) or on-demand instances. @default "spot" */
  readonly capacity: Capacity;
  /** The ceiling of the compute environment; it never holds more instances than fit. @default 16 */
  readonly maxVcpus: number;
  /** The most workers the scaler keeps submitted at once. @default 4 */
  readonly maxWorkers: number;
  /** vCPUs each worker reserves (a g4dn.xlarge has 4). @default 4 */
  readonly workerVcpus: number;
  /** Memory each worker reserves, in MiB (a g4dn.xlarge has 16 GiB, of which ECS can give about 15). @default 14336 */
  readonly workerMemoryMiB: number;
  /** The scaler starts one worker per this many queued images. @default 100 */
  readonly imagesPerWorker: number;
  /** A worker exits after this long without messages. @default 120 */
  readonly workerIdleSeconds: number;
  /** Batch stops a worker that runs longer than this (it finishes the image in hand first). @default 240 */
  readonly workerTimeoutMinutes: number;
  /** The bundle under models/ for uploads that name none. @default "default" */
  readonly defaultModel: string;
  /** NAT gateway or none, see {@link NAT_CHOICES}. @default "none" */
  readonly nat: NatChoice;
  /** The largest upload a worker reads, in MiB; a larger one gets a failed summary. @default 256 */
  readonly maxUploadMiB: number;
  /** S3 deletes an upload this many days after it was written; null keeps uploads. @default null */
  readonly uploadsRetentionDays: number | null;
  /** S3 deletes a result (summary and artifacts) this many days after it was written; null keeps them. @default null */
  readonly resultsRetentionDays: number | null;
  /** An address the failure topic e-mails (once confirmed); null subscribes no one. @default null */
  readonly alarmEmail: string | null;
  /** The work queue's alarm goes off when its oldest image has waited this long. @default 60 */
  readonly workQueueAgeAlarmMinutes: number;
  /** Batch cancels a worker that has waited this long for an instance EC2 has no capacity for. @default 30 */
  readonly capacityWaitMinutes: number;
}

export const DEFAULT_DEPLOYMENT_CONFIG: DeploymentConfig = {
  gpuInstanceTypes: ["g4dn.xlarge"],
  capacity: "spot",
  maxVcpus: 16,
  maxWorkers: 4,
  workerVcpus: 4,
  workerMemoryMiB: 14_336,
  imagesPerWorker: 100,
  workerIdleSeconds: 120,
  workerTimeoutMinutes: 240,
  defaultModel: DEFAULT_MODEL_NAME,
  nat: "none",
  maxUploadMiB: DEFAULT_MAX_UPLOAD_BYTES / MIB,
  uploadsRetentionDays: null,
  resultsRetentionDays: null,
  alarmEmail: null,
  workQueueAgeAlarmMinutes: 60,
  capacityWaitMinutes: 30,
};

/** Every problem found in the deployment config, one line each naming the context key and the fix. */
export class DeploymentConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `cnn-lens deployment config: ${problems.length} problem${problems.length === 1 ? "" : "s"} ` +
        `(set the keys in cdk.json "context" or with -c key=value):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "DeploymentConfigError";
  }
}

type Field = keyof DeploymentConfig;

/**
 * Reads the deployment config from CDK context (`app.node.getAllContext()`), fills in the defaults and checks
 * every field at once. Values given with `-c` arrive as strings, so numbers and lists may be strings too.
 * @throws DeploymentConfigError listing every bad or unknown key
 */
export function deploymentConfigFrom(context: Readonly<Record<string, unknown>>): DeploymentConfig {
  const problems: string[] = [];
  const key = (field: Field) => `${CONTEXT_PREFIX}${field}`;
  const given = (field: Field): unknown => context[key(field)];
  const shown = (value: unknown) => JSON.stringify(value);

  const known = new Set(Object.keys(DEFAULT_DEPLOYMENT_CONFIG).map((field) => key(field as Field)));
  for (const name of Object.keys(context)) {
    if (name.startsWith(CONTEXT_PREFIX) && !known.has(name)) {
      problems.push(`${name} is not a setting; use one of ${[...known].join(", ")}`);
    }
  }

  const integer = (field: Field & keyof NumberFields, min: number, max: number): number => {
    const value = given(field);
    if (value === undefined) return DEFAULT_DEPLOYMENT_CONFIG[field];
    const parsed = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof parsed !== "number" || !Number.isInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${key(field)}=${shown(value)} must be a whole number from ${min} to ${max}`);
      return DEFAULT_DEPLOYMENT_CONFIG[field];
    }
    return parsed;
  };
  // null, or "" from `-c key=`, leaves a setting unset.
  const unset = (value: unknown) => value === null || value === "";
  const optionalInteger = (field: Field, min: number, max: number, unsetMeans: string): number | null => {
    const value = given(field);
    if (value === undefined || unset(value)) return null;
    const parsed = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof parsed !== "number" || !Number.isInteger(parsed) || parsed < min || parsed > max) {
      problems.push(
        `${key(field)}=${shown(value)} must be a whole number from ${min} to ${max}, or null ${unsetMeans}`,
      );
      return null;
    }
    return parsed;
  };
  const email = (field: Field): string | null => {
    const value = given(field);
    if (value === undefined || unset(value)) return null;
    if (typeof value !== "string" || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim())) {
      problems.push(
        `${key(field)}=${shown(value)} is not an e-mail address; use one such as "ops@example.com", or null`,
      );
      return null;
    }
    return value.trim();
  };
  const choice = <T extends string>(field: Field, choices: readonly T[], fallback: T): T => {
    const value = given(field);
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
      problems.push(`${key(field)}=${shown(value)} is not allowed; use one of ${choices.join(", ")}`);
      return fallback;
    }
    return value as T;
  };

  const config: DeploymentConfig = {
    gpuInstanceTypes: instanceTypes(given("gpuInstanceTypes"), key("gpuInstanceTypes"), problems),
    capacity: choice("capacity", CAPACITY_CHOICES, DEFAULT_DEPLOYMENT_CONFIG.capacity),
    maxVcpus: integer("maxVcpus", 1, 10_000),
    maxWorkers: integer("maxWorkers", 1, 1_000),
    workerVcpus: integer("workerVcpus", 1, 192),
    workerMemoryMiB: integer("workerMemoryMiB", 2_048, 2_000_000),
    imagesPerWorker: integer("imagesPerWorker", 1, 1_000_000),
    workerIdleSeconds: integer("workerIdleSeconds", 0, 86_400),
    workerTimeoutMinutes: integer("workerTimeoutMinutes", 10, 20_160),
    defaultModel: modelName(given("defaultModel"), key("defaultModel"), problems),
    nat: choice("nat", NAT_CHOICES, DEFAULT_DEPLOYMENT_CONFIG.nat),
    // 5 GiB: S3's largest single PUT.
    maxUploadMiB: integer("maxUploadMiB", 1, 5_120),
    uploadsRetentionDays: optionalInteger("uploadsRetentionDays", 1, 36_500, "to keep uploads"),
    resultsRetentionDays: optionalInteger("resultsRetentionDays", 1, 36_500, "to keep results"),
    alarmEmail: email("alarmEmail"),
    // The work queue keeps a message 4 days (SQS's default).
    workQueueAgeAlarmMinutes: integer("workQueueAgeAlarmMinutes", 1, 5_760),
    // Batch takes job state time limits of 600 to 86,400 seconds.
    capacityWaitMinutes: integer("capacityWaitMinutes", 10, 1_440),
  };

  const fitting = Math.floor(config.maxVcpus / config.workerVcpus);
  if (problems.length === 0 && fitting < config.maxWorkers) {
    problems.push(
      `${key("maxVcpus")}=${config.maxVcpus} holds only ${fitting} workers of ${config.workerVcpus} vCPUs but ` +
        `${key("maxWorkers")}=${config.maxWorkers}; raise ${key("maxVcpus")} to ` +
        `${config.maxWorkers * config.workerVcpus} or lower ${key("maxWorkers")} to ${Math.max(fitting, 1)}`,
    );
  }
  if (problems.length > 0) throw new DeploymentConfigError(problems);
  return config;
}

type NumberFields = { [F in Field as DeploymentConfig[F] extends number ? F : never]: number };

function instanceTypes(value: unknown, key: string, problems: string[]): readonly string[] {
  if (value === undefined) return DEFAULT_DEPLOYMENT_CONFIG.gpuInstanceTypes;
  const list = typeof value === "string" ? value.split(",").map((item) => item.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((item) => typeof item !== "string")) {
    problems.push(
      `${key}=${JSON.stringify(value)} must be a non-empty list of instance types, e.g. ["g4dn.xlarge"]`,
    );
    return DEFAULT_DEPLOYMENT_CONFIG.gpuInstanceTypes;
  }
  for (const type of list as string[]) {
    const family = /^([a-z0-9-]+)\.[a-z0-9]+$/.exec(type)?.[1];
    if (!family || !(GPU_FAMILIES as readonly string[]).includes(family)) {
      problems.push(
        `${key} has ${JSON.stringify(type)}, which is not an NVIDIA x86_64 GPU instance type that both ` +
          `ECS_AL2023_NVIDIA and TensorFlow 2.21 support; use a type of the families ${GPU_FAMILIES.join(", ")}, ` +
          `e.g. g4dn.xlarge`,
      );
    }
  }
  return list as string[];
}

function modelName(value: unknown, key: string, problems: string[]): string {
  if (value === undefined) return DEFAULT_DEPLOYMENT_CONFIG.defaultModel;
  try {
    if (typeof value !== "string") throw new RangeError("it must be a string");
    modelPrefixFor(value);
    return value;
  } catch (error) {
    problems.push(
      `${key}=${JSON.stringify(value)} is not a bundle name (${(error as Error).message}); ` +
        `use the folder name under models/, e.g. "${DEFAULT_MODEL_NAME}"`,
    );
    return DEFAULT_DEPLOYMENT_CONFIG.defaultModel;
  }
}
