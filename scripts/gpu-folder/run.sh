#!/bin/sh
# Times the U-Net training step on this machine's GPU through Dawn (Vulkan), then PyTorch CUDA beside
# it when torch_cuda.py is here. Every result is one JSON line; keep the whole output.
# Use: sh run.sh [STEPS]     Env: NODE (a node binary), VK_DRIVER_FILES (the NVIDIA ICD, if the loader misses it)
set -eu
cd "$(dirname "$0")"
STEPS=${1:-5}
NODE=${NODE:-$(command -v node || true)}
if [ -z "$NODE" ]; then
  NODE=/tmp/unet-gpu-node
  if [ ! -x "$NODE" ]; then
    python3 -c "import lzma,shutil;shutil.copyfileobj(lzma.open('node.xz'),open('$NODE','wb'))"
    chmod +x "$NODE"
  fi
fi
echo "node $("$NODE" --version)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
bench() { echo "## train.mjs $*"; "$NODE" train.mjs --backend webgpu "$@"; }
# The GPU's losses against cpu's for a few steps of each objective; the timings run either way.
bench --check || echo "## check FAILED: the GPU's losses differ from cpu's (see the lines above)"
bench --size 128 --batch 32 --steps "$STEPS"
# The same with tfjs's Adam (≈ 14 programs per tensor instead of 3): what the fused update saves.
bench --size 128 --batch 32 --steps "$STEPS" --stock-adam
bench --size 128 --batch 256 --steps "$STEPS"
bench --simclr --batch 384 --steps "$STEPS"
# Per-kernel GPU time (timestamp queries), on stderr.
bench --size 128 --batch 32 --steps 2 --profile
if [ -f torch_cuda.py ]; then
  for args in "128 32" "128 256" "64 384"; do
    echo "## torch_cuda.py $args $STEPS"
    python3 torch_cuda.py $args "$STEPS"
  done
fi
