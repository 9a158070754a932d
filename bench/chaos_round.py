#!/usr/bin/env python3
# bench/chaos_round.py — the numbers and integrity checks of one round of bench/chaos.sh:
# reads the round's load lines (tests/scale/mixed_load.py --chaos) and what the databases
# hold, prints one markdown table row and exits 1 when an integrity check fails.
#
# Usage: chaos_round.py FAILURE KILLED_AT LOAD_LINES RECORDED_INQUIRIES CHANGES ORDERS REDIS_FOLLOW
#   RECORDED_INQUIRIES: the inquiry requestIds found in bill_inquiry_requests, one a line
#   CHANGES: product_changes rows of the round, "request_id<TAB>status"
#   ORDERS:  kos-sim orders of the round's lines, "request_id<TAB>status"
#   REDIS_FOLLOW: seconds until the service clients were on the new Redis master, or "-"
import collections
import sys

# Writes to our own databases (bill history, auth sessions), and plan changes, which also
# need KOS (whose simulator, kos-sim, keeps its data in the same PostgreSQL cluster here).
OWN_WRITES = ("bill_post", "login", "logout")
PLAN_CHANGES = ("plan_change",)


def read_rows(path):
    with open(path) as file:
        return [line.rstrip("\n").split("\t") for line in file if line.strip()]


def failed(status):
    return status == "000" or status.startswith("5")


def writes_resume(lines, killed_at, kinds):
    """Seconds from the kill to the first answered write of `kinds` after the last failed
    one ("0" when none failed after the kill)."""
    after = [l for l in lines if l[0] in kinds and float(l[3]) >= killed_at]
    failures = [l for l in after if failed(l[1])]
    if not failures:
        return "0"
    last_failure_start = max(float(l[2]) for l in failures)
    resumed = [float(l[3]) for l in after if l[1].startswith("2") and float(l[2]) > last_failure_start]
    if not resumed:
        return "later"
    return f"{min(resumed) - killed_at:.1f}"


def main():
    failure, killed_at, load_path, recorded_path, changes_path, orders_path, redis_follow = sys.argv[1:8]
    killed_at = float(killed_at)
    lines = [l.split() for l in open(load_path) if l.strip()]
    traffic = [l for l in lines if l[0] != "revoked_use"]
    ok = sum(1 for l in traffic if l[1].startswith("2"))
    refused = sum(1 for l in traffic if l[1].startswith("4"))
    failures = collections.Counter(f"{l[0]}:{l[1]}" for l in traffic if failed(l[1]))
    failure_text = ", ".join(f"{k}×{v}" for k, v in sorted(failures.items())) or "none"

    # Every inquiry answered 200 has its history row.
    answered = {l[4] for l in traffic if l[0] == "bill_post" and l[1] == "200" and len(l) > 4}
    recorded = {row[0] for row in read_rows(recorded_path)}
    missing_inquiries = answered - recorded

    # Plan changes: each KOS order has its record (nothing applied behind our back), each
    # record ends in the state KOS reached, each change answered 200 is COMPLETED in both.
    changes = {row[0]: row[1] for row in read_rows(changes_path)}
    orders = {row[0]: row[1] for row in read_rows(orders_path)}
    answered_changes = {l[4]: l[1] for l in traffic if l[0] == "plan_change" and len(l) > 4}
    orphan_orders = set(orders) - set(changes)
    unsettled = {r for r, s in changes.items() if s in ("REQUESTED", "PENDING")}
    disagree = set()
    for request_id, status in changes.items():
        kos = orders.get(request_id)
        if status == "COMPLETED" and kos != "COMPLETED":
            disagree.add(request_id)
        if kos == "COMPLETED" and status not in ("COMPLETED", "REQUESTED", "PENDING"):
            disagree.add(request_id)
    for request_id, status in answered_changes.items():
        if status == "200" and (changes.get(request_id) != "COMPLETED" or orders.get(request_id) != "COMPLETED"):
            disagree.add(request_id)
    completed = sum(1 for s in changes.values() if s == "COMPLETED")
    kos_completed = sum(1 for s in orders.values() if s == "COMPLETED")

    # Every logout answered 200 is enforced: the token is refused (401) afterwards.
    revoked = [l for l in lines if l[0] == "revoked_use"]
    enforced = sum(1 for l in revoked if l[1] == "401")

    integrity_ok = not missing_inquiries and not orphan_orders and not disagree and not unsettled \
        and enforced == len(revoked)
    print(
        f"| {failure} | {len(traffic)} | {ok} | {refused} | {failure_text} "
        f"| {writes_resume(traffic, killed_at, OWN_WRITES)} / {writes_resume(traffic, killed_at, PLAN_CHANGES)} "
        f"| {redis_follow} | {len(answered)} / {len(answered) - len(missing_inquiries)} "
        f"| {len(changes)} / {completed} / {kos_completed} / {len(orphan_orders)} / {len(disagree)} / {len(unsettled)} "
        f"| {enforced} / {len(revoked)} | {'ok' if integrity_ok else 'FAIL'} |"
    )
    for request_id in sorted(missing_inquiries)[:5]:
        print(f"  inquiry answered 200 without its history row: {request_id}", file=sys.stderr)
    for request_id in sorted(orphan_orders | disagree | unsettled)[:5]:
        print(f"  plan change {request_id}: record {changes.get(request_id)}, KOS {orders.get(request_id)}",
              file=sys.stderr)
    return 0 if integrity_ok else 1


if __name__ == "__main__":
    sys.exit(main())
