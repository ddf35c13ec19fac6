#!/usr/bin/env bash
# Make sure a RabbitMQ answers at AMQP_URI (default 127.0.0.1:5672):
# use the running one; else start the installed one; else install it with apt
# (as root); else stop with a clear message.
set -euo pipefail

uri="${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/}"
hostport="${uri#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$host" ] && port=5672

answers() { timeout 1 bash -c "</dev/tcp/$host/$port" 2>/dev/null; }
wait_for_it() {
  for _ in $(seq 60); do answers && return 0; sleep 1; done
  return 1
}

answers && exit 0
case "$host" in
  127.0.0.1|localhost) ;;
  *) echo "RabbitMQ at $host:$port does not answer; start it or fix AMQP_URI." >&2; exit 1 ;;
esac

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
# The port opens before every plugin is up; the tests' rabbitmqctl calls need the
# node fully booted.
timeout 60 rabbitmqctl -q await_startup >/dev/null 2>&1 || true
