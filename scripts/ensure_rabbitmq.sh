#!/usr/bin/env bash
# Make sure a RabbitMQ answers at AMQP_URI (default 127.0.0.1:5672):
# use the running one; else start the installed one; else install it with apt
# (as root); else stop with a clear message.
# Then make sure its management API answers at BROKER_ADMIN_URL (default
# http://guest:guest@127.0.0.1:15672): feeds makes each department's broker
# user and queue there. On the local broker the rabbitmq_management plugin is
# enabled when it is off (as root); elsewhere a clear message says what to do.
# Silent when everything already answers.
set -euo pipefail

uri="${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/}"
hostport="${uri#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$host" ] && port=5672

is_local() { [ "$1" = 127.0.0.1 ] || [ "$1" = localhost ]; }
answers() { timeout 1 bash -c "</dev/tcp/$host/$port" 2>/dev/null; }
wait_for_it() {
  for _ in $(seq 60); do answers && return 0; sleep 1; done
  return 1
}

ensure_broker() {
  answers && return 0
  if ! is_local "$host"; then
    echo "RabbitMQ at $host:$port does not answer; start it or fix AMQP_URI." >&2
    exit 1
  fi

  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing RabbitMQ with apt-get ..."
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
    else
      echo "No RabbitMQ is running at $host:$port and none is installed." >&2
      echo "Install it (Debian/Ubuntu: sudo apt-get install rabbitmq-server) and run this again," >&2
      echo "or point AMQP_URI at a running broker." >&2
      exit 1
    fi
  fi

  echo "Starting RabbitMQ ..."
  rabbitmq-server -detached >/dev/null 2>&1 || true
  if ! wait_for_it; then
    echo "RabbitMQ did not start within 60 s; see /var/log/rabbitmq/." >&2
    exit 1
  fi
  # The port opens before every plugin is up; the tests' rabbitmqctl calls
  # (and the management API check below) need the node fully booted.
  timeout 60 rabbitmqctl -q await_startup >/dev/null 2>&1 || true
}

admin_url="${BROKER_ADMIN_URL:-http://guest:guest@127.0.0.1:15672}"
admin_url="${admin_url%/}"
# host:port only, for messages: the URL carries a password.
admin_hostport="${admin_url#*://}"; admin_hostport="${admin_hostport#*@}"
admin_hostport="${admin_hostport%%/*}"
admin_host="${admin_hostport%%:*}"; admin_port="${admin_hostport##*:}"
[ "$admin_port" = "$admin_host" ] && admin_port=80

# The HTTP status of GET /api/overview with the URL's credentials, 000 when
# nothing answers; bounded, so a port that swallows packets cannot hang it.
api_status() {
  curl -s -o /dev/null -w '%{http_code}' --connect-timeout 2 --max-time 5 \
    "$admin_url/api/overview" 2>/dev/null || true
}

api_answers() {
  local status
  status="$(api_status)"
  case "$status" in
    200) return 0 ;;
    401|403)
      echo "RabbitMQ's management API at $admin_hostport refuses the user in" \
           "BROKER_ADMIN_URL (default guest:guest; HTTP $status); it needs an administrator's user and password." >&2
      exit 1 ;;
    *) return 1 ;;
  esac
}

cannot_enable() {
  echo "RabbitMQ's management API does not answer at $admin_hostport (feeds needs it)." >&2
  echo "$1" >&2
  exit 1
}

ensure_management() {
  if ! command -v curl >/dev/null 2>&1; then
    echo "curl is missing, so the management API at $admin_hostport cannot be checked;" \
         "install curl (Debian/Ubuntu: sudo apt-get install curl)." >&2
    exit 1
  fi
  api_answers && return 0
  # Enabling the plugin opens 15672 on this machine's broker; it cannot make
  # another host or another port answer.
  if [ -n "${BROKER_ADMIN_URL:-}" ] && ! is_local "$admin_host"; then
    cannot_enable "Enable the rabbitmq_management plugin on that broker, or fix BROKER_ADMIN_URL."
  fi
  if ! is_local "$host"; then
    cannot_enable "AMQP_URI names the broker at $host:$port: set BROKER_ADMIN_URL to its
management API (http://<administrator>:<password>@$host:15672)."
  fi
  if ! is_local "$admin_host" || [ "$admin_port" != 15672 ]; then
    cannot_enable "Enabling the local broker's plugin would open port 15672, not $admin_port: fix BROKER_ADMIN_URL."
  fi
  if [ "$(id -u)" != 0 ] || ! command -v rabbitmq-plugins >/dev/null 2>&1; then
    cannot_enable "Enable its plugin as root: sudo rabbitmq-plugins enable rabbitmq_management
(it starts at once on the running broker), then run this again."
  fi

  echo "Enabling RabbitMQ's management plugin ..."
  local output
  if ! output="$(timeout 60 rabbitmq-plugins enable rabbitmq_management 2>&1)"; then
    printf '%s\n' "$output" >&2
    cannot_enable "\`rabbitmq-plugins enable rabbitmq_management\` failed (above)."
  fi
  # The plugins start within seconds; each try is bounded, and so is the whole.
  local deadline=$((SECONDS + 60))
  while [ "$SECONDS" -lt "$deadline" ]; do api_answers && return 0; sleep 1; done
  cannot_enable "The plugin is enabled but the API did not answer within 60 s; see /var/log/rabbitmq/."
}

ensure_broker
ensure_management
