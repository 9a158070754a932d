#!/usr/bin/env python3
"""bench/tools/malformed_requests.py — malformed HTTP requests against a running gateway.

Sends COUNT requests (deterministic: seeded by --seed) over WORKERS keep-alive
connections, reconnecting whenever the server closes one, and prints one JSON object:
how many were sent, answered, the status histogram, 5xx answers by error code, and the
first 20 5xx requests. Every request is complete (its head ends, its body has its declared length),
so each gets an answer unless the server drops it. The mix: malformed queries on the
history lists (bad escapes, NUL, invalid UTF-8, huge numbers), malformed and encoded
paths, header values with control bytes or invalid UTF-8, broken request lines, and
malformed JSON bodies on POST routes. With --token, half the requests carry a valid
access token, so those that pass the gateway reach bill-inquiry and product-change.
Exit status 1 if any answer was a 500.

Usage: malformed_requests.py HOST PORT [--count 100000] [--workers 8] [--token T] [--seed 12]
"""
import argparse
import asyncio
import collections
import json
import random

ROUTES = ["/api/v1/bills/history", "/api/v1/products/history", "/api/v1/bills/menu",
          "/api/v1/bills/inquiry", "/api/v1/products/change", "/api/v1/auth/login",
          "/api/v1/auth/login-history", "/api/v1/admin/users", "/api/docs/openapi.yaml", "/",
          "/assets/app.js", "/healthz"]
PARAMETERS = ["page", "size", "lineNumber", "from", "to", "status", "q", ""]
BAD_VALUES = ["%zz", "%", "%4", "%ff", "%00", "%0a", "%C3%28", "%ED%A0%80", "%F4%90%80%80", "+",
              "99999999999999999999", "-1", "0", "1e9", "%2e%2e%2f", "a|b{c}^", "%25", "==",
              "010-1234-5678", "2026-13-45", "%EA%B0%80" * 50, "x" * 3000, "%E2%80%8B", "\\u0000"]
BAD_SEGMENTS = ["%zz", "%", "%00", "%2f", "%2e%2e", "..", "", "%C3%28", "%ff", "%EA%B0%80", "a%20b",
                ";", "*", "~", "%5c", "history%3Fpage=1"]
HEADER_VALUES = [b"\xff\xfe", b"\xc3\x28", b"ok", b"a\x01b", b"\x7f", b"Bearer \xff", b"Bearer ",
                 b"Bearer a.b.c", b"00-zzzz-01", b"\xed\xa0\x80", b"gzip;q=\xff", b"x" * 2000]
HEADER_NAMES = [b"Authorization", b"traceparent", b"X-Request-Id", b"Accept-Encoding", b"Cookie",
                b"User-Agent", b"Origin", b"X-Forwarded-For", b"Content-Type", b"Accept"]
BODIES = [b"{", b"{\"inquiryMonth\":", b"[]", b"null", b"{\"inquiryMonth\":\"\xff\"}",
          b"{\"targetProductCode\":123}", b"\x00\x01\x02", b"{\"lineNumber\":\"%zz\"}", b"{}" * 100]
REQUEST_LINES = [b"GET /api/v1/bills/history?page=%zz HTTP/1.1", b"GET  / HTTP/1.1", b"GET / HTTP/9.9",
                 b"G@T / HTTP/1.1", b"GET /\xff HTTP/1.1", b"GET http://x/ HTTP/1.1", b"GET * HTTP/1.1",
                 b"OPTIONS * HTTP/1.1", b"GET /?a=%zz HTTP/1.0", b"BREW /api/v1/bills/menu HTTP/1.1"]


def query(rng):
    pairs = []
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(PARAMETERS)
        value = rng.choice(BAD_VALUES) if rng.random() < 0.7 else str(rng.randint(1, 3))
        pairs.append(f"{name}={value}" if rng.random() < 0.9 else name)
    return "&".join(pairs)


def make_request(rng, token):
    kind = rng.randrange(6)
    method = "GET"
    route = rng.choice(ROUTES)
    body = b""
    headers = [(b"Host", b"bench")]
    if kind == 0 or kind == 1:
        target = route + "?" + query(rng)
    elif kind == 2:
        segments = route.strip("/").split("/")
        segments.insert(rng.randrange(len(segments) + 1), rng.choice(BAD_SEGMENTS))
        target = "/" + "/".join(segments) + ("?" + query(rng) if rng.random() < 0.3 else "")
    elif kind == 3:
        target = route
        headers.append((rng.choice(HEADER_NAMES), rng.choice(HEADER_VALUES)))
    elif kind == 4:
        method = "POST"
        target = rng.choice(["/api/v1/bills/inquiry", "/api/v1/products/change", "/api/v1/auth/login",
                             "/api/v1/products/check"])
        body = rng.choice(BODIES)
        headers.append((b"Content-Type", rng.choice([b"application/json", b"text/plain", b"\xff"])))
    else:
        line = rng.choice(REQUEST_LINES)
        return line + b"\r\nHost: bench\r\n\r\n", line.decode("latin-1")
    if token and rng.random() < 0.5 and not any(name == b"Authorization" for name, _ in headers):
        headers.append((b"Authorization", b"Bearer " + token.encode()))
    if body or method == "POST":
        headers.append((b"Content-Length", str(len(body)).encode()))
    head = f"{method} {target} HTTP/1.1\r\n".encode("latin-1", "replace")
    head += b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return head + b"\r\n" + body, f"{method} {target[:120]}"


async def read_answer(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    closing = False
    for line in head.split(b"\r\n")[1:]:
        lower = line.lower()
        if lower.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
        if lower.startswith(b"connection:") and b"close" in lower:
            closing = True
    body = await reader.readexactly(length)
    return status, closing, body


async def worker(host, port, requests, histogram, server_errors, counters, codes):
    reader = writer = None
    for raw, label in requests:
        if writer is None:
            reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(raw)
            await writer.drain()
            status, closing, body = await asyncio.wait_for(read_answer(reader), timeout=30)
            histogram[status] += 1
            counters["answered"] += 1
            if status >= 500:
                code = body.split(b'"code":"', 1)[1].split(b'"', 1)[0].decode() if b'"code":"' in body else "-"
                codes[f"{status} {code}"] += 1
                if len(server_errors) < 20:
                    server_errors.append({"status": status, "code": code, "request": label})
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError, ValueError, IndexError):
            histogram["no answer"] += 1
            closing = True
        counters["sent"] += 1
        if closing:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--token", default="")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    requests = [make_request(rng, args.token) for _ in range(args.count)]
    histogram = collections.Counter()
    server_errors = []
    counters = collections.Counter()
    codes = collections.Counter()
    share = [requests[i::args.workers] for i in range(args.workers)]
    await asyncio.gather(*(worker(args.host, args.port, part, histogram, server_errors, counters, codes) for part in share))
    print(json.dumps({"sent": counters["sent"], "answered": counters["answered"],
                      "statuses": {str(k): v for k, v in sorted(histogram.items(), key=lambda kv: str(kv[0]))},
                      "5xx_by_code": dict(codes), "first_5xx": server_errors}, indent=1))
    return 1 if histogram[500] else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
