#!/usr/bin/env python3
"""bench/tools/idle_connections.py — holds N idle keep-alive connections to a server.

Each connection sends one request (with the given headers) and reads its whole answer, so
the server has seen a request on it and keeps it open for the next one; then all of them
stay idle. Prints "ready N" once every connection has had its answer (or "failed K" and
exits 1), then holds them until killed or `hold` seconds pass. Loopback only.
Usage: idle_connections.py PORT PATH COUNT HOLD_SECONDS [Header: value]...
"""
import selectors
import socket
import sys
import time


def main():
    port, path, count, hold = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    headers = "".join(f"{h}\r\n" for h in sys.argv[5:])
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode()
    selector = selectors.DefaultSelector()
    sockets, pending, closed = [], {}, 0
    # Opened in batches so the listen backlog never overflows.
    for start in range(0, count, 500):
        batch = []
        for _ in range(min(500, count - start)):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(request)
            s.setblocking(False)
            sockets.append(s)
            batch.append(s)
            pending[s] = b""
            selector.register(s, selectors.EVENT_READ)
        deadline = time.time() + 30
        while any(s in pending for s in batch) and time.time() < deadline:
            for key, _ in selector.select(timeout=1):
                s = key.fileobj
                data = s.recv(65536)
                if not data:  # closed before its answer was complete
                    selector.unregister(s)
                    pending.pop(s, None)
                    closed += 1
                    continue
                pending[s] += data
                head, sep, body = pending[s].partition(b"\r\n\r\n")
                if not sep:
                    continue
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if len(body) >= length:
                    selector.unregister(s)
                    del pending[s]
    if pending or closed:
        print(f"failed {len(pending) + closed} of {count}", flush=True)
        return 1
    print(f"ready {count}", flush=True)
    time.sleep(hold)
    for s in sockets:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
