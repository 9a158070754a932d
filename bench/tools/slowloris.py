#!/usr/bin/env python3
"""bench/tools/slowloris.py — slow clients against an HTTP server, and a normal client beside them.

Opens CONNECTIONS connections to HOST:PORT spread over SOURCES loopback source addresses
(127.0.0.2, 127.0.0.3, ...; any 127/8 address is local on Linux), each sending a request
head one byte every INTERVAL seconds and never finishing it (the slowloris attack). It
records when the server closes each one. Meanwhile a normal client sends GET PATH on its own
connection (127.0.0.1) every 20 ms from its own process and times each answer. Prints one JSON object:
connections opened, closed by the server, still open at the end, seconds from open to
close (max, p50, p99), and the normal client's request count, failures and p50/p99/max ms.

Usage: slowloris.py HOST PORT [--connections N] [--sources K] [--interval S]
                    [--duration S] [--path /healthz]
"""
import argparse
import asyncio
import json
import multiprocessing
import socket
import time

HEAD = b"GET / HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"a" * 4096


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def slow_connection(host, port, source, interval, deadline, result):
    """One slow client: returns seconds from connect to the server's close, or None if still open."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        sock.bind((source, 0))
        await loop.sock_connect(sock, (host, port))
    except OSError:
        result["connect_failed"] += 1
        sock.close()
        return
    opened = time.monotonic()
    result["opened"] += 1
    reader, writer = await asyncio.open_connection(sock=sock)
    position = 0
    try:
        while time.monotonic() < deadline:
            writer.write(HEAD[position % len(HEAD):position % len(HEAD) + 1])
            position += 1
            try:
                await writer.drain()
                data = await asyncio.wait_for(reader.read(1), timeout=interval)
                if data == b"":  # closed by the server
                    break
            except asyncio.TimeoutError:
                continue
            except (ConnectionError, OSError):
                break
        else:
            result["still_open"] += 1
            return
        result["closed_after"].append(time.monotonic() - opened)
    finally:
        writer.close()


def normal_client(host, port, path, duration, results):
    """Runs in its own process, so the flood's event loop never delays its timings."""
    request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    latencies, failures = [], 0
    deadline = time.monotonic() + duration
    sock = None
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            if sock is None:
                sock = socket.create_connection((host, port), timeout=5, source_address=("127.0.0.1", 0))
            sock.sendall(request)
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                answer += chunk
            head, _, body = answer.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            while len(body) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                body += chunk
            if not head.startswith(b"HTTP/1.1 200"):
                failures += 1
            latencies.append((time.monotonic() - started) * 1000)
        except (OSError, ValueError):
            failures += 1
            if sock is not None:
                sock.close()
            sock = None
        time.sleep(0.02)
    results.put({"latencies_ms": latencies, "failures": failures})


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--sources", type=int, default=8)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--path", default="/healthz")
    args = parser.parse_args()
    slow = {"opened": 0, "connect_failed": 0, "still_open": 0, "closed_after": []}
    results = multiprocessing.Queue()
    measuring = multiprocessing.Process(target=normal_client,
                                        args=(args.host, args.port, args.path, args.duration, results))
    measuring.start()
    deadline = time.monotonic() + args.duration
    tasks = []
    for i in range(args.connections):
        source = f"127.0.0.{2 + i % args.sources}"
        tasks.append(asyncio.create_task(slow_connection(args.host, args.port, source, args.interval, deadline, slow)))
        if i % 100 == 99:
            await asyncio.sleep(0.01)  # open them over a few tenths of a second, as a real flood
    await asyncio.gather(*tasks)
    normal = results.get()
    measuring.join()
    closed = slow["closed_after"]
    latencies = normal["latencies_ms"]
    print(json.dumps({
        "slow_connections": args.connections,
        "opened": slow["opened"],
        "connect_failed": slow["connect_failed"],
        "closed_by_server": len(closed),
        "still_open_at_end": slow["still_open"],
        "seconds_to_close": {"p50": percentile(closed, 0.5), "p99": percentile(closed, 0.99),
                             "max": max(closed) if closed else None},
        "normal_client": {"requests": len(latencies), "failures": normal["failures"],
                          "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
                          "max_ms": max(latencies) if latencies else None},
    }, indent=1))


if __name__ == "__main__":
    asyncio.run(main())
