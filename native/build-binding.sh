#!/usr/bin/env bash
# Builds the N-API binding of @tensorflow/tfjs-node (or -gpu) against the TensorFlow C API that a PyPI TensorFlow
# wheel ships, and links it into the package so that `require("@tensorflow/tfjs-node")` loads it.
#
#   native/build-binding.sh PACKAGE_DIR TENSORFLOW_DIR [CACHE_DIR]
#
# PACKAGE_DIR     the installed npm package (node_modules/@tensorflow/tfjs-node or tfjs-node-gpu), as `npm ci`
#                 leaves it with its install script denied: binding sources, no deps/, no lib/.
# TENSORFLOW_DIR  the wheel's `tensorflow/` folder in site-packages (libtensorflow_cc.so.2,
#                 libtensorflow_framework.so.2, include/).
# CACHE_DIR       where the compiled binding is kept between runs (default: PACKAGE_DIR/build-cnn-lens); a binding
#                 built there before from the same sources and libraries is reused instead of compiled again.
#
# The package's own install script is never run: it deletes deps/ and downloads libtensorflow 2.9.1.
# deps/ holds symlinks, not copies (the libraries are some 800 MB); the binding finds them through its RUNPATH
# ($ORIGIN/../../deps/lib), so the wheel's folder must stay where it is. With a CUDA build of TensorFlow
# (tensorflow[and-cuda]), deps/nvidia also links to the CUDA and cuDNN wheels' nvidia/ folder beside it.
set -euo pipefail

log() { printf '[native/build-binding] %s\n' "$*"; }
die() { printf '[native/build-binding] ERROR: %s\n' "$*" >&2; exit 1; }

[[ $# -ge 2 ]] || die "usage: $0 PACKAGE_DIR TENSORFLOW_DIR [CACHE_DIR]"
PACKAGE="$(cd -- "$1" && pwd -P)" || die "package folder not found: $1 (run npm ci first)"
TENSORFLOW="$(cd -- "$2" && pwd -P)" || die "TensorFlow folder not found: $2"
CACHE="${3:-$PACKAGE/build-cnn-lens}"

[[ -f "$PACKAGE/binding.gyp" && -d "$PACKAGE/binding" ]] \
  || die "$PACKAGE has no binding sources (binding.gyp, binding/): is it @tensorflow/tfjs-node?"
for library in libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
  [[ -e "$TENSORFLOW/$library" ]] || die "$TENSORFLOW/$library is missing: is this a TensorFlow wheel's folder?"
done
[[ -f "$TENSORFLOW/include/tensorflow/c/c_api.h" ]] || die "$TENSORFLOW/include has no TensorFlow C headers"

# Node's headers: node-gyp is told where they are, so it downloads nothing.
NODE_DIR="$(node -p 'require("path").resolve(process.execPath, "..", "..")')"
[[ -f "$NODE_DIR/include/node/node_api.h" ]] \
  || die "Node's headers are not in $NODE_DIR/include/node (install the nodejs headers, e.g. Debian's libnode-dev)"
NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[[ -f "$NODE_GYP" ]] || die "node-gyp not found beside npm"

# The folder tfjs-node's loader (node-pre-gyp) looks in: the highest N-API version both support.
NAPI="$(node -p '
  const supported = require(process.argv[1] + "/package.json").binary.napi_versions;
  Math.max(...supported.filter((v) => v <= Number(process.versions.napi)))' "$PACKAGE")"
VERSION="$(node -p 'require(process.argv[1] + "/package.json").version' "$PACKAGE")"

# deps/: the layout binding.gyp and the binding's RUNPATH expect, pointing into the wheel.
rm -rf -- "$PACKAGE/deps"
mkdir -p "$PACKAGE/deps/lib"
ln -s "$TENSORFLOW/include" "$PACKAGE/deps/include"
ln -s "$TENSORFLOW/libtensorflow_cc.so.2" "$PACKAGE/deps/lib/libtensorflow_cc.so.2"
ln -s "$TENSORFLOW/libtensorflow_framework.so.2" "$PACKAGE/deps/lib/libtensorflow_framework.so.2"
ln -s libtensorflow_cc.so.2 "$PACKAGE/deps/lib/libtensorflow.so"
ln -s libtensorflow_framework.so.2 "$PACKAGE/deps/lib/libtensorflow_framework.so"
# TensorFlow loads CUDA and cuDNN from $ORIGIN/../nvidia/<library>/lib (its RUNPATH). The loader does not resolve
# symlinks for $ORIGIN, which is therefore deps/lib, so deps/nvidia must lead to site-packages/nvidia.
if [[ -d "$TENSORFLOW/../nvidia" ]]; then
  NVIDIA="$(cd -- "$TENSORFLOW/../nvidia" && pwd -P)"
  ln -s "$NVIDIA" "$PACKAGE/deps/nvidia"
  log "linked deps/nvidia to the CUDA and cuDNN wheels in $NVIDIA"
fi

# A binding is reusable while the package, the libraries and Node's ABI are the same.
KEY="$( { echo "$VERSION napi-$NAPI node-$(node -p process.versions.modules)"; cat "$PACKAGE/binding.gyp" "$PACKAGE"/binding/*;
          stat -L -c '%s %Y' "$TENSORFLOW/libtensorflow_cc.so.2" "$TENSORFLOW/libtensorflow_framework.so.2"; } \
        | sha256sum | cut -c1-16)"
BUILT="$CACHE/$KEY/tfjs_binding.node"
if [[ -f "$BUILT" ]]; then
  log "reusing the binding built before ($BUILT)"
else
  log "compiling tfjs-node $VERSION's binding (napi-v$NAPI) against $TENSORFLOW; about a minute"
  start=$(date +%s)
  (cd "$PACKAGE" && node "$NODE_GYP" rebuild --nodedir="$NODE_DIR" --module_name=tfjs_binding \
     --module_path="$CACHE/$KEY" --napi_build_version="$NAPI" --loglevel=warn)
  rm -rf -- "$PACKAGE/build"
  [[ -f "$BUILT" ]] || die "node-gyp finished without $BUILT"
  log "compiled in $(( $(date +%s) - start ))s"
fi
mkdir -p "$PACKAGE/lib/napi-v$NAPI"
cp -f -- "$BUILT" "$PACKAGE/lib/napi-v$NAPI/tfjs_binding.node"
log "installed $PACKAGE/lib/napi-v$NAPI/tfjs_binding.node"
