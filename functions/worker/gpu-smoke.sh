#!/usr/bin/env bash
# Smoke test of the GPU worker image, for a machine with an NVIDIA GPU, Docker and the NVIDIA Container Toolkit
# (a g4dn.xlarge on the ECS GPU AMI will do). It builds the image (or takes IMAGE), then inside it, with --gpus all:
#   1. the device, as nvidia-smi sees it;
#   2. the GPUs tfjs-node-gpu's TensorFlow created devices for, and the worker's CNN_LENS_REQUIRE_GPU check;
#   3. `cnn-lens analyze` on one sample image with the bundled model: the summary's backend and timings.
# It exits non-zero when any step fails, or when the analysis did not run on tfjs-node-gpu.
#
#   functions/worker/gpu-smoke.sh [SAMPLE]      SAMPLE: an image under samples/ (default samples/scab-1.jpg)
#
# Env: IMAGE  an image already built (skips docker build)
#
# The image gives node_modules (tfjs-node-gpu with its binding) and the venv; the sources (bin/, cli/, infra/,
# functions/, shared/), the bundled model and the samples are mounted read-only from this checkout over the image's,
# so run it from the commit the image was built from.
set -euo pipefail

REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"
SAMPLE="${1:-samples/scab-1.jpg}"
TAG="cnn-lens-worker:gpu-smoke"

log() { printf '[gpu-smoke] %s\n' "$*" >&2; }
die() { printf '[gpu-smoke] FAILED: %s\n' "$*" >&2; exit 1; }

[[ -f "$REPO_ROOT/$SAMPLE" ]] || die "no $SAMPLE in $REPO_ROOT (name an image under samples/)"
[[ -f "$REPO_ROOT/models/default/lens.json" ]] || die "the bundled model is missing: $REPO_ROOT/models/default"
command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker info >/dev/null 2>&1 || die "docker does not answer (is the daemon running, may this user use it?)"

if [[ -n "${IMAGE:-}" ]]; then
  log "using the image $IMAGE"
else
  IMAGE="$TAG"
  log "building $IMAGE from functions/worker/Dockerfile (the first build downloads some 3 GB of wheels)"
  docker build --platform linux/amd64 -f "$REPO_ROOT/functions/worker/Dockerfile" -t "$IMAGE" "$REPO_ROOT" >&2 \
    || die "docker build failed"
fi

# Runs a command in the image with the GPUs, as the image's user, with the CLI's sources mounted read-only.
in_image() {
  local mounts=()
  for path in bin cli infra functions shared models samples; do
    mounts+=(--volume "$REPO_ROOT/$path:/app/$path:ro")
  done
  docker run --rm --gpus all "${mounts[@]}" "$@"
}

log "1/3 the device"
device="$(in_image --entrypoint nvidia-smi "$IMAGE" \
  --query-gpu=name,driver_version,compute_cap,memory.total --format=csv,noheader)" \
  || die "nvidia-smi does not run in the container: check the NVIDIA Container Toolkit (nvidia-ctk runtime configure)"

check_log="$(mktemp)"
summaries="$(mktemp)"
trap 'rm -f "$check_log" "$summaries"' EXIT

log "2/3 TensorFlow's GPU devices and the CNN_LENS_REQUIRE_GPU check"
# TensorFlow logs each device it creates at INFO level, hence TF_CPP_MIN_LOG_LEVEL=0.
in_image --env TF_CPP_MIN_LOG_LEVEL=0 "$IMAGE" node --import tsx --input-type=module -e '
  const tf = await import("@tensorflow/tfjs");
  const { initBackend } = await import("./shared/engine/backend.ts");
  const { assertGpuVisible, probeGpu } = await import("./functions/worker/gpu-requirement.ts");
  const runtime = await initBackend("tensorflow-gpu");
  const gpu = probeGpu(tf.backend());
  console.error("[gpu-smoke] probe " + JSON.stringify(gpu));
  assertGpuVisible(runtime, gpu);
' >"$check_log" 2>&1 || { cat "$check_log" >&2; die "the worker would not run on the GPU (its error is above)"; }
tf_devices="$(grep -o 'Created device .*' "$check_log" | sed 's/^Created device //' || true)"
[[ -n "$tf_devices" ]] || tf_devices="(TensorFlow logged no device; the probe said: $(grep '^\[gpu-smoke\] probe' "$check_log"))"

log "3/3 cnn-lens analyze $SAMPLE"
in_image "$IMAGE" node bin/cnn-lens.mjs analyze "$SAMPLE" --out /tmp/out --json >"$summaries" \
  || die "cnn-lens analyze failed in the container (its output is above)"
# The image's node reads the summary, so the host needs none.
result="$(docker run --rm -i "$IMAGE" node -e '
  const [summary] = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const t = summary.timings;
  console.log([summary.status, summary.runtime.backend, summary.runtime.backendPackage, t.total,
    t.integratedGradients, t.predict, summary.predictedLabels.join(",")].join("\t"));
' <"$summaries")" || { cat "$summaries" >&2; die "the summary above could not be read"; }
IFS=$'\t' read -r status backend package total ig predict labels <<<"$result"

cat <<EOF
device (nvidia-smi): $device
TensorFlow GPUs:     $tf_devices
backend:             $backend ($package)
$SAMPLE:  $status in ${total} ms (integrated gradients ${ig} ms, predict ${predict} ms; predicted $labels)
                     the first image of a process includes TensorFlow's GPU start-up
EOF
[[ "$status" == "explained" ]] || die "the analysis of $SAMPLE failed: status $status"
[[ "$package" == "@tensorflow/tfjs-node-gpu" ]] || die "the analysis ran on $package, not @tensorflow/tfjs-node-gpu"
log "passed"
