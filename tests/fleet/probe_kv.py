"""A health probe of the kind a rollout runs after each wave: a fresh
connection to a kvserver must answer VERSION with the expected release and
still hold the key the test stored before the update.

    python3 probe_kv.py PORT EXPECTED-VERSION KEY VALUE     exit 0 = healthy
"""
import socket
import sys


def ask(f, s, line: str) -> str:
    s.sendall(line.encode() + b"\n")
    return f.readline().decode().strip()


def main(port: int, expected: str, key: str, value: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        f = s.makefile("rb")
        version = ask(f, s, "VERSION")
        stored = ask(f, s, f"GET {key}")
    ok = version == f"kvserver {expected}" and stored == f"VALUE {value}"
    print(f"VERSION -> {version!r}, GET {key} -> {stored!r}: {'healthy' if ok else 'UNHEALTHY'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), *sys.argv[2:5]))
