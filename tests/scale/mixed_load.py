#!/usr/bin/env python3
# tests/scale/mixed_load.py — the bounded mixed load of the kill drill (tests/scale/kill_one.sh):
# one keep-alive client per demo user, each at a fixed rate for a fixed time, cycling
# through bill inquiries (GET menu, POST inquiry), logins (POST) and plan changes (POST
# with an Idempotency-Key). Writes one line per request, "<kind> <status> <start> <end>"
# (status 000 when no HTTP answer came back; epoch seconds), for the drill to count; an
# answered inquiry or plan change adds its requestId as a fifth field.
# With --chaos (bench/chaos.sh) the cycle also logs out a fresh session, and after the
# load each logged-out token is tried once more ("revoked_use <status> ..." lines): the
# integrity checks match the requestIds against the databases and want 401 there.
#
# Usage: mixed_load.py [--chaos] URL RATE SECONDS OUTPUT USER:PASSWORD...
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid

# The cycle of one client: the GETs are idempotent, the POSTs are not (a plan change is
# made safe to repeat by its Idempotency-Key, SPEC §6).
CYCLE = ["bill_get", "bill_post", "product_get", "plan_change", "bill_get", "login", "me_get"]
# --chaos: one logout per cycle too (a login of its own, then the logout of that session).
CHAOS_CYCLE = CYCLE + ["logout"]


class Client:
    def __init__(self, url, user, password):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.user, self.password = user, password
        self.connection = None
        self.token = None
        # The plan change alternates between the line's current plan and another one.
        self.current_product = None
        self.other_product = None
        # Access tokens of sessions logged out with 200, to be refused afterwards.
        self.revoked = []

    def request(self, method, path, body=None, headers=None):
        """One request on the kept-alive connection; (status, parsed body) or (0, None)."""
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, None
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, None

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def login(self):
        self.token = None
        status, body = self.request(
            "POST", "/api/v1/auth/login", {"userId": self.user, "password": self.password}
        )
        if status == 200:
            self.token = body["data"]["accessToken"]
        return status

    def prepare(self):
        """A token and two plans to alternate between (before the clock starts)."""
        if self.login() != 200:
            raise SystemExit(f"mixed_load: login of {self.user} failed")
        self.read_plans()

    def read_plans(self):
        """The line's current plan and another one, as the products screen shows them."""
        status, body = self.request("GET", "/api/v1/products/available")
        if status == 200 and body["data"]["products"]:
            self.current_product = body["data"]["currentProductCode"]
            self.other_product = body["data"]["products"][0]["productCode"]

    def send(self, kind):
        """The status of one request of `kind`, and the requestId its answer names (or None)."""
        if kind == "bill_post":
            status, body = self.request("POST", "/api/v1/bills/inquiry", {})
            return status, request_id_of(status, body)
        if kind == "plan_change":
            return self.change_plan()
        return self.send_plain(kind), None

    def send_plain(self, kind):
        if kind == "bill_get":
            return self.request("GET", "/api/v1/bills/menu")[0]
        if kind == "product_get":
            return self.request("GET", "/api/v1/products/menu")[0]
        if kind == "me_get":
            return self.request("GET", "/api/v1/auth/me")[0]
        if kind == "login":
            token = self.token
            status = self.login()
            if self.token is None:
                self.token = token  # keep using the old one
            return status
        if kind == "logout":
            return self.logout_fresh_session()
        raise ValueError(kind)

    def change_plan(self):
        if self.current_product is None:
            return None, None  # this user may not change plans
        status, body = self.request(
            "POST",
            "/api/v1/products/change",
            {"currentProductCode": self.current_product,
             "targetProductCode": self.other_product},
            {"Idempotency-Key": str(uuid.uuid4())},
        )
        if status in (200, 202):
            self.current_product, self.other_product = self.other_product, self.current_product
        elif status not in (400, 401, 403, 429):
            # No answer, 5xx or a conflict: the change may still have been applied (a
            # commit that outlived our timeout). Re-read the line's plan, as the app does,
            # instead of asking for a change from a plan the line has left (409 ever after).
            self.read_plans()
        return status, request_id_of(status, body)

    def logout_fresh_session(self):
        """Logs in a second session and logs it out; its token must be refused from then on."""
        kept = self.token
        self.token = None
        status, body = self.request(
            "POST", "/api/v1/auth/login", {"userId": self.user, "password": self.password}
        )
        if status != 200:
            self.token = kept
            return status
        fresh = body["data"]["accessToken"]
        self.token = fresh
        status, _ = self.request("POST", "/api/v1/auth/logout", {})
        self.token = kept
        if status == 200:
            self.revoked.append(fresh)
        return status

    def check_revoked(self, lines, lock):
        """Each logged-out token once more: anything but 401 is a logout not enforced."""
        kept = self.token
        for token in self.revoked:
            self.token = token
            began = time.time()
            status, _ = self.request("GET", "/api/v1/auth/me")
            with lock:
                lines.append(f"revoked_use {status:03d} {began:.3f} {time.time():.3f}")
        self.token = kept
        self.close()


def request_id_of(status, body):
    """The requestId of a 200/202 answer (an inquiry, a plan change), else None."""
    if status in (200, 202) and isinstance(body, dict):
        data = body.get("data")
        if isinstance(data, dict) and isinstance(data.get("requestId"), str):
            return data["requestId"]
    return None


def run(client, rate, seconds, lines, lock, cycle):
    interval = 1.0 / rate
    start = time.monotonic()
    count = int(rate * seconds)
    for i in range(count):
        # A fixed schedule: a slow answer does not shift the later requests' send times.
        delay = start + i * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        kind = cycle[i % len(cycle)]
        began = time.time()
        status, request_id = client.send(kind)
        if status is None:
            continue
        line = f"{kind} {status:03d} {began:.3f} {time.time():.3f}"
        if request_id:
            line += " " + request_id
        with lock:
            lines.append(line)
    client.close()


def main():
    arguments = sys.argv[1:]
    chaos = bool(arguments) and arguments[0] == "--chaos"
    if chaos:
        arguments = arguments[1:]
    if len(arguments) < 5:
        raise SystemExit("usage: mixed_load.py [--chaos] URL RATE SECONDS OUTPUT USER:PASSWORD...")
    url, rate, seconds, output = arguments[0], float(arguments[1]), float(arguments[2]), arguments[3]
    clients = [Client(url, *credentials.split(":", 1)) for credentials in arguments[4:]]
    cycle = CHAOS_CYCLE if chaos else CYCLE
    for client in clients:
        client.prepare()
    lines, lock = [], threading.Lock()
    threads = [
        threading.Thread(target=run, args=(c, rate, seconds, lines, lock, cycle)) for c in clients
    ]
    # Tells the drill the load is running (it kills an instance a moment later).
    print("started", flush=True)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.check_revoked(lines, lock)
    with open(output, "w") as file:
        file.write("\n".join(lines) + ("\n" if lines else ""))


if __name__ == "__main__":
    main()
