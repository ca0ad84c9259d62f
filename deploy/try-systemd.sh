#!/usr/bin/env bash
# docs/operations.md, "Deploy with systemd", followed step by step under a real systemd, with the
# tests' Bot API stand-in as Telegram; for a machine whose PID 1 is not systemd (a sandbox, a CI
# runner) or that should not keep what the walk installs.
#
# It boots a throwaway container with systemd as its PID 1 (systemd-nspawn) on a copy-on-write
# view of this machine's root file system (an overlay whose upper layer is a tmpfs): the user,
# /opt/achilles-coach, /etc/achilles-coach and the unit exist only in there and are gone when the
# script ends. The container shares the machine's network (pip needs it), so the listener and
# the stand-in take free ports rather than 8080. Units this machine enables (databases, brokers,
# timers) are masked inside, so only systemd's own and the bot run there.
#
# The commit installed is this checkout's HEAD (commit your changes first). In the container:
# the doc's commands; a person onboards through the stand-in and gets their first reminder
# (about 3 minutes after the start); /healthz, /readyz, /metrics; `systemctl stop` must end the
# bot with status 0; then the doc's by-hand migrate and SQLite backup. About 5 minutes.
#
# Needs root, overlayfs and systemd-nspawn (Debian: apt-get install systemd-container).
# Not run by CI: it boots a container and waits minutes for a reminder.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "try-systemd: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run it as root (it boots a container)"
command -v systemd-nspawn >/dev/null || die "no systemd-nspawn (apt-get install systemd-container)"
[ -z "$(git -C "$REPO" status --porcelain --untracked-files=no)" ] ||
    echo "try-systemd: uncommitted changes are not installed, only HEAD" >&2

WORK=$(mktemp -d /var/tmp/try-systemd.XXXXXX)
MACHINE=try-systemd-$$
NSPAWN_PID=
cleanup() {
    if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
        kill -TERM "$NSPAWN_PID" 2>/dev/null || true  # nspawn powers the container off
        for _ in $(seq 1 60); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$NSPAWN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# The repository as a remote to clone, like the doc's `git clone`.
git clone --quiet --bare --no-local "$REPO" "$WORK/achilles-coach.git"
git -C "$WORK/achilles-coach.git" branch --force try-systemd "$(git -C "$REPO" rev-parse HEAD)"
git -C "$WORK/achilles-coach.git" symbolic-ref HEAD refs/heads/try-systemd

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
API_PORT=$(free_port)

masks=()
for wanted in /etc/systemd/system/*.wants/*; do
    [ -e "$wanted" ] || [ -L "$wanted" ] || continue
    masks+=("systemd.mask=$(basename "$wanted")")
done

mkdir -p "$WORK/up" "$WORK/root"
echo "== booting systemd in container $MACHINE (log: $WORK/nspawn.log)"
# A mount namespace of its own: the overlay is seen by the container only.
unshare --mount --propagation private bash -c '
    set -e
    mount -t tmpfs -o size=8G tmpfs "$1/up"
    mkdir "$1/up/upper" "$1/up/work"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$1/up/upper,workdir=$1/up/work" "$1/root"
    work=$1 machine=$2; shift 2
    exec systemd-nspawn --directory="$work/root" --machine="$machine" --register=no --keep-unit \
        --console=passive --bind-ro="$work/achilles-coach.git:/srv/achilles-coach.git" \
        --boot -- "$@"
' try-systemd "$WORK" "$MACHINE" "${masks[@]}" >"$WORK/nspawn.log" 2>&1 &
NSPAWN_PID=$!

INIT=
for _ in $(seq 1 100); do
    INIT=$(pgrep -P "$NSPAWN_PID" -x systemd || true)
    [ -n "$INIT" ] && break
    kill -0 "$NSPAWN_PID" 2>/dev/null || { cat "$WORK/nspawn.log"; die "the container did not boot"; }
    sleep 0.2
done
[ -n "$INIT" ] || die "no systemd in the container"

# A shell in the container, as root logging in would have it.
ct() {
    nsenter --target "$INIT" --mount --uts --ipc --net --pid --cgroup --root \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        TERM=dumb LANG=C.UTF-8 bash -c "cd /root; $1"
}
step() { printf '\n### %s\n' "$1"; }

for _ in $(seq 1 100); do  # systemctl talks to PID 1 once its private socket is there
    ct 'test -S /run/systemd/private' && break
    sleep 0.2
done
ct 'systemctl is-system-running --wait' || ct 'systemctl --failed --no-pager'
ct 'echo "PID 1 is $(cat /proc/1/comm) $(systemctl --version | head -1)"'

step "prerequisites"
ct 'apt-get install --no-download -y -q git make python3 python3-venv curl sqlite3 2>&1 | tail -3'

step "1. the user"
ct 'useradd --system --home-dir /var/lib/achilles-coach --shell /usr/sbin/nologin achilles && id achilles'

step "2. the code and its venv, from the lock file"
ct 'git clone --quiet file:///srv/achilles-coach.git /opt/achilles-coach &&
    cd /opt/achilles-coach && git log --oneline -1 && make .venv/.installed 2>&1 | grep -v "^WARNING: Location"'

step "3. settings (the doc's \$EDITOR step: the stand-in's token and URL, JSON logs, a free port)"
ct 'install -d -m 0750 -g achilles /etc/achilles-coach &&
    cd /opt/achilles-coach && install -m 0640 -g achilles deploy/.env.example /etc/achilles-coach/env &&
    sed -i -e "s|^TELEGRAM_BOT_TOKEN=.*|TELEGRAM_BOT_TOKEN=123456789:TEST-token-ABCDEFGHIJKLMNOPQRSTUVWX|" \
        -e "s|^# TELEGRAM_API_BASE_URL=.*|TELEGRAM_API_BASE_URL=http://127.0.0.1:'"$API_PORT"'/bot|" \
        -e "s|^# HTTP_PORT=.*|HTTP_PORT='"$HTTP_PORT"'|" \
        -e "s|^# LOG_FORMAT=.*|LOG_FORMAT=json|" /etc/achilles-coach/env &&
    ls -l /etc/achilles-coach/env && grep -v "^#" /etc/achilles-coach/env | grep . | sed "s/TOKEN=.*/TOKEN=<the stand-in'"'"'s>/"'

step "Telegram: the Bot API stand-in and one person (deploy/try_systemd_user.py)"
ct 'systemd-run --quiet --unit=try-standin -p DynamicUser=yes -E PYTHONUNBUFFERED=1 \
    /opt/achilles-coach/.venv/bin/python /opt/achilles-coach/deploy/try_systemd_user.py '"$API_PORT"' && echo started'

step "4. the unit, then start it"
ct 'cp /opt/achilles-coach/deploy/achilles-coach.service /etc/systemd/system/ &&
    systemctl daemon-reload && systemctl enable --now achilles-coach'
for _ in $(seq 1 120); do
    ct 'journalctl -u achilles-coach -o cat --no-pager | grep -q "bot is polling"' && break
    ct 'systemctl is-failed -q achilles-coach' && { ct 'journalctl -u achilles-coach --no-pager | tail -30'; die "the bot failed"; }
    sleep 0.5
done
ct 'systemctl status achilles-coach --no-pager | head -5'
ct 'journalctl -u achilles-coach -n 20 --no-pager | grep -E "polling|Running upgrade 0005|HTTP listener"'
ct 'ps -o user=,cmd= -C achilles-coach'
ct 'curl -sf http://127.0.0.1:'"$HTTP_PORT"'/healthz; echo; curl -sf http://127.0.0.1:'"$HTTP_PORT"'/readyz; echo'
ct 'systemd-analyze security achilles-coach --no-pager | tail -1'

step "the person onboards and waits for their first reminder (about 3 minutes)"
for _ in $(seq 1 300); do
    ct 'journalctl -u try-standin -o cat --no-pager | grep -q "WALK USER DONE"' && break
    ct 'systemctl is-active -q try-standin' || break
    sleep 1
done
ct 'journalctl -u try-standin -o cat --no-pager'
ct 'journalctl -u try-standin -o cat --no-pager | grep -q "WALK USER DONE"' || die "no reminder"
ct 'journalctl -u achilles-coach -o cat --no-pager | grep "fired reminder"'
ct 'curl -sf http://127.0.0.1:'"$HTTP_PORT"'/metrics | grep -E "^achilles_(reminders_total|active_users|scheduler_lag)"'
ct 'curl -sf http://127.0.0.1:'"$HTTP_PORT"'/metrics | grep -q "^achilles_reminders_total{outcome=\"sent\"} 1.0"'

step "stopping: systemctl stop (SIGTERM), status 0"
ct 'systemctl stop achilles-coach && systemctl show achilles-coach -p Result -p ExecMainStatus -p NRestarts'
ct 'journalctl -u achilles-coach -o cat --no-pager | tail -4'
ct '[ "$(systemctl show achilles-coach -p ExecMainStatus --value)" = 0 ] &&
    [ "$(systemctl show achilles-coach -p Result --value)" = success ]' || die "not a clean stop"

step "a command by hand, the way the unit runs it"
ct 'systemd-run --wait --pipe --quiet --uid=achilles --gid=achilles \
    -p EnvironmentFile=/etc/achilles-coach/env \
    -p Environment=DATABASE_URL=sqlite+aiosqlite:////var/lib/achilles-coach/achilles-coach.db \
    --working-directory=/var/lib/achilles-coach \
    /opt/achilles-coach/.venv/bin/achilles-coach migrate 2>&1 | tail -1'

step "backup (SQLite)"
ct 'install -d -m 0700 /backups &&
    sqlite3 /var/lib/achilles-coach/achilles-coach.db ".backup '"'"'/backups/coach-$(date +%F).db'"'"'" &&
    sqlite3 /backups/coach-$(date +%F).db "select count(*) || '"'"' person'"'"' from users" && ls -l /backups /var/lib/achilles-coach'

step "started again after the stop"
ct 'systemctl start achilles-coach && sleep 3 && systemctl is-active achilles-coach && systemctl stop achilles-coach'

ct 'systemctl stop try-standin; journalctl -u try-standin -o cat --no-pager | grep "stand-in stops"'
echo
echo "try-systemd: docs/operations.md's systemd path works under systemd (see the steps above)"
