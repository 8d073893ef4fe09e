#!/bin/sh
# Two `lutin serve` instances on one PostgreSQL database, on ports 3001 and 3002, for nginx.conf.
# Run from the repository root after `npm install`:
#   LUTIN_DATABASE_URL=postgres://lutin:password@127.0.0.1:5432/lutin sh examples/scale-out/start-two-instances.sh
# Ctrl-C stops both (each drains its running turns first).
set -eu
: "${LUTIN_DATABASE_URL:?set LUTIN_DATABASE_URL=postgres://user:password@host:5432/database}"
# Every instance must accept the same tokens: set them once here (or in a shared --config file).
: "${LUTIN_ADMIN_TOKEN:=$(openssl rand -hex 24)}"
: "${LUTIN_AGENT_TOKENS:=ana=$(openssl rand -hex 24)}"
export LUTIN_DATABASE_URL LUTIN_ADMIN_TOKEN LUTIN_AGENT_TOKENS
# The address people use (nginx's): the widget's Origin check accepts it on every instance.
export LUTIN_PUBLIC_URL="${LUTIN_PUBLIC_URL:-http://127.0.0.1:8080}"
export LUTIN_TRUST_PROXY="${LUTIN_TRUST_PROXY:-loopback}"
export LUTIN_HOST=127.0.0.1

npx lutin migrate
echo "admin token: $LUTIN_ADMIN_TOKEN"
echo "agent tokens: $LUTIN_AGENT_TOKENS"

PORT=3001 LUTIN_DATA_DIR=./data-instance-1 npx lutin serve &
first=$!
PORT=3002 LUTIN_DATA_DIR=./data-instance-2 npx lutin serve &
second=$!
trap 'kill -TERM "$first" "$second" 2>/dev/null' INT TERM
wait "$first" "$second"
