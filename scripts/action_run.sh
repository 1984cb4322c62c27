#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), as one script so they can be run and tested outside GitHub.
#
#   action_run.sh install   a virtualenv in $LRR_VENV with this checkout installed with its extras ([all]);
#                           its bin folder goes on $GITHUB_PATH for the next step
#   action_run.sh check     lambda-runtime-rules check with the action's inputs; the exit status is check's
#
# The inputs arrive as environment variables (INPUT_PATHS, INPUT_FORMAT, INPUT_OUTPUT, INPUT_FAIL_ON,
# INPUT_AS_OF, INPUT_CONFIG), never spliced into the script's text, so a value cannot run as shell code.
# Outputs: `exit-code` and `output` (the report file) are appended to $GITHUB_OUTPUT when it is set.
set -euo pipefail

action_path="${LRR_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"

install() {
    local venv="${LRR_VENV:?LRR_VENV names the virtualenv to create}"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip  # an old pip backtracks for minutes on Checkov's pins
    "$venv/bin/python" -m pip install --quiet "${action_path}[all]"
    if [ -n "${GITHUB_PATH:-}" ]; then
        echo "$venv/bin" >>"$GITHUB_PATH"
    fi
}

run_check() {
    local -a paths=() args=()
    # Paths are separated by spaces or newlines (a YAML block of one path a line reads well); no globbing.
    set -f
    # shellcheck disable=SC2206
    paths=(${INPUT_PATHS:-.})
    set +f
    [ "${#paths[@]}" -gt 0 ] || paths=(.)
    args=(check "${paths[@]}" --format "${INPUT_FORMAT:-sarif}" --fail-on "${INPUT_FAIL_ON:-error}")
    if [ -n "${INPUT_OUTPUT:-}" ]; then
        args+=(--output "$INPUT_OUTPUT")
    fi
    if [ -n "${INPUT_AS_OF:-}" ]; then
        args+=(--as-of "$INPUT_AS_OF")
    fi
    if [ -n "${INPUT_CONFIG:-}" ]; then
        args+=(--config "$INPUT_CONFIG")
    fi
    local status=0
    "${LRR_COMMAND:-lambda-runtime-rules}" "${args[@]}" || status=$?
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        {
            echo "exit-code=$status"
            echo "output=${INPUT_OUTPUT:-}"
        } >>"$GITHUB_OUTPUT"
    fi
    return "$status"
}

case "${1:-}" in
install) install ;;
check) run_check ;;
*)
    echo "usage: $0 install|check" >&2
    exit 2
    ;;
esac
