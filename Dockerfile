# The CLI with its extras ([all]: cfn-lint, Checkov, the Terraform parser), for CI systems without Python.
#   docker build -t lambda-runtime-rules .
#   docker run --rm -v "$PWD:/work" lambda-runtime-rules check --as-of 2026-11-23 .
# Two stages: the first builds wheels from this checkout, the second installs them into a clean slim image
# that holds no source tree, no build cache and no pip cache, and runs as an unprivileged user.
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim AS build
WORKDIR /src
COPY . .
RUN python -m pip install --no-cache-dir --upgrade pip \
    && python -m pip wheel --no-cache-dir --wheel-dir /wheels ".[all]"

FROM python:${PYTHON_VERSION}-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m pip install --no-cache-dir --no-index --find-links=/wheels "lambda-runtime-rules[all]" \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin lrr
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["lambda-runtime-rules"]
CMD ["--help"]
