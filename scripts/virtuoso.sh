#!/usr/bin/env bash
# A private Virtuoso Open Source for tinykg's tests and benchmarks.
#
#   scripts/virtuoso.sh start  [DIR]   create DIR (own virtuoso.ini, database), start, wait until
#                                      SPARQL answers; prints the store spec to use
#   scripts/virtuoso.sh fresh  [DIR]   stop, delete DIR, start on a new database (the CTest fixture)
#   scripts/virtuoso.sh stop   [DIR]   checkpoint and shut down, wait for the process to end
#   scripts/virtuoso.sh status [DIR]   exit 0 when it answers, 1 when not
#   scripts/virtuoso.sh spec   [DIR]   print the store spec (virtuoso://127.0.0.1:SQL_PORT/tinykg?http=HTTP_PORT)
#
# DIR defaults to $TINYKG_VIRTUOSO_DIR, else /tmp/tinykg-virtuoso. Ports default to
# SQL 11121 / HTTP 18921 (not Virtuoso's 1111/8890), override with $TINYKG_VIRTUOSO_SQL_PORT and
# $TINYKG_VIRTUOSO_HTTP_PORT; both listen on 127.0.0.1 only. The database is new, so the dba
# password is Virtuoso's default (dba), which is what the tinykg store uses unless told otherwise.
# Debian package: virtuoso-opensource (scripts/packages/deb-virtuoso.txt).
set -euo pipefail
cmd="${1:-status}"
dir="$(realpath -m "${2:-${TINYKG_VIRTUOSO_DIR:-/tmp/tinykg-virtuoso}}")"
sql_port="${TINYKG_VIRTUOSO_SQL_PORT:-11121}"
http_port="${TINYKG_VIRTUOSO_HTTP_PORT:-18921}"
if [ -f "$dir/ports" ]; then read -r sql_port http_port < "$dir/ports"; fi

need() {
  if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
    echo "virtuoso.sh: error: Virtuoso is not installed (virtuoso-t, isql-vt). Install it with:" >&2
    echo "  DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource" >&2
    echo "or run scripts/setup.sh (scripts/packages/deb-virtuoso.txt lists it)." >&2
    exit 3
  fi
}

answers() {
  curl -sf -m 5 -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" 2>/dev/null
}

isql() { isql-vt "127.0.0.1:$sql_port" dba dba "$@"; }

write_ini() {
  mkdir -p "$dir/db" "$dir/load"
  cat > "$dir/virtuoso.ini" <<EOF
[Database]
DatabaseFile       = $dir/db/virtuoso.db
ErrorLogFile       = $dir/db/virtuoso.log
LockFile           = $dir/db/virtuoso.lck
TransactionFile    = $dir/db/virtuoso.trx
xa_persistent_file = $dir/db/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/db/virtuoso-temp.db
TransactionFile    = $dir/db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:$sql_port
DisableUnixSocket        = 1
MaxClientConnections     = 20
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., $dir/load, /usr/share/virtuoso-opensource-7/vad
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
NumberOfBuffers          = ${TINYKG_VIRTUOSO_BUFFERS:-85000}
MaxDirtyBuffers          = ${TINYKG_VIRTUOSO_DIRTY_BUFFERS:-65000}
MaxQueryMem              = 1G
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4

[HTTPServer]
ServerPort                  = 127.0.0.1:$http_port
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 20
ServerThreads               = 20
MaxKeepAlives               = 20
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0
MaxBodySize                 = 1073741824

[SPARQL]
ResultSetMaxRows           = 100000000
MaxConstructTriples        = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
DefaultGraph               = urn:tinykg:none
EOF
}

case "$cmd" in
  fresh)
    need
    bash "$0" stop "$dir"
    rm -rf "$dir"
    exec bash "$0" start "$dir"
    ;;
  start)
    need
    if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && answers; then
      echo "virtuoso://127.0.0.1:$sql_port/tinykg?http=$http_port"
      exit 0
    fi
    write_ini
    echo "$sql_port $http_port" > "$dir/ports"
    (cd "$dir/db" && exec virtuoso-t -f -c "$dir/virtuoso.ini" > "$dir/server.out" 2>&1) &
    echo $! > "$dir/pid"
    for _ in $(seq 1 240); do
      if answers; then
        # The tinykg store writes over ODBC (SQL port) as dba, queries over HTTP.
        echo "virtuoso://127.0.0.1:$sql_port/tinykg?http=$http_port"
        exit 0
      fi
      if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
        echo "virtuoso.sh: error: Virtuoso exited during start; its log:" >&2
        tail -20 "$dir/db/virtuoso.log" "$dir/server.out" >&2 2>/dev/null || true
        exit 1
      fi
      sleep 0.5
    done
    echo "virtuoso.sh: error: Virtuoso did not answer on 127.0.0.1:$http_port within 120 s" >&2
    exit 1
    ;;
  stop)
    [ -f "$dir/pid" ] || exit 0
    pid="$(cat "$dir/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      isql -K >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 120); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
      done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$dir/pid"
    ;;
  status)
    if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && answers; then
      echo "running: virtuoso://127.0.0.1:$sql_port/tinykg?http=$http_port (pid $(cat "$dir/pid"), $dir)"
      exit 0
    fi
    echo "not running ($dir)"
    exit 1
    ;;
  spec)
    echo "virtuoso://127.0.0.1:$sql_port/tinykg?http=$http_port"
    ;;
  *)
    echo "usage: scripts/virtuoso.sh start|fresh|stop|status|spec [DIR]" >&2
    exit 2
    ;;
esac
