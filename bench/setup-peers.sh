#!/usr/bin/env bash
# Installs the peer tools the benchmark runs as real programs, from Debian 12's own packages:
#   mydumper        (0.10) a parallel logical dump, run against every bench server;
#   mariadb-server  (10.11) the benchmark starts its mariadbd itself, on a free loopback port with its own
#                   data directory (never the system service);
#   mariadb-backup  (10.11, matching that server) mariabackup --backup against it.
# The Java side only uses binaries it finds and reports visibly which peers it skipped and why.
# mariadb-server's package would start a system server on 3306: policy-rc.d forbids starting any service
# during the install, and what follows makes sure none is left running or enabled (as .ci/run does).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    own_policy=1
fi
apt-get install -y -qq --no-install-recommends mydumper mariadb-server mariadb-backup > /dev/null
if [ "$own_policy" = 1 ]; then
    rm -f "$policy"
fi
if command -v systemctl > /dev/null; then
    systemctl disable mariadb > /dev/null 2>&1 || true
    if [ -d /run/systemd/system ]; then
        systemctl stop mariadb > /dev/null 2>&1 || true
    fi
fi
if [ -s /run/mysqld/mysqld.pid ]; then
    kill "$(cat /run/mysqld/mysqld.pid)" 2> /dev/null || true
    for _ in $(seq 1 30); do [ -e /run/mysqld/mysqld.pid ] || break; sleep 1; done
fi
if (exec 3<> /dev/tcp/127.0.0.1/3306) 2> /dev/null; then
    echo "setup-peers.sh: a MariaDB server still listens on 127.0.0.1:3306 after installing mariadb-server" >&2
    exit 1
fi
echo "peers installed: $(mydumper --version 2>&1 | head -1); $(mariadbd --version 2>&1 | head -1); $(mariabackup --version 2>&1 | head -1)"
