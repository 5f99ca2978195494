# Sourced by `make test` and .ci/run: starts a throw-away PostgreSQL server on 127.0.0.1 and exports
# VEILLEUR_TEST_PG_URL for the storage tests. Reuses a running one. Stopped by scripts/stop-postgres.sh.
PG_PORT="${PG_PORT:-54329}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [[ -z "${PG_BIN}" ]]; then
  echo "error: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi
PG_DATA="${PG_DATA:-/tmp/veilleur-pg-${PG_PORT}}"
if ! "${PG_BIN}/pg_isready" -h 127.0.0.1 -p "${PG_PORT}" -q 2>/dev/null; then
  rm -rf "${PG_DATA}"
  mkdir -p "${PG_DATA}"
  RUNAS=()
  if [[ $(id -u) -eq 0 ]]; then chown postgres "${PG_DATA}"; RUNAS=(runuser -u postgres --); fi
  "${RUNAS[@]}" "${PG_BIN}/initdb" -D "${PG_DATA}" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  "${RUNAS[@]}" "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -l "${PG_DATA}/server.log" -w \
    -o "-p ${PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi
export VEILLEUR_TEST_PG_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
echo "PostgreSQL ready at ${VEILLEUR_TEST_PG_URL}" >&2
