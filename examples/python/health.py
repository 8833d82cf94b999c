#!/usr/bin/python3
"""Ask a Strata service for its health with a signed health.get, and print the verified answer.

    /usr/bin/python3 examples/python/health.py --endpoint tcp://127.0.0.1:7410
    /usr/bin/python3 examples/python/health.py --data-dir strata-data      # every service `strata up` runs

Signs with a fresh Ed25519 key (python3-nacl), sends over a DEALER socket (python3-zmq) as
proto-schemas/SPEC.md section 5.1 describes, validates the reply against the schemas and its
signature (tools/strata_wire.py), and checks that it answers our request.
Exit status: 0 when every service answered health.get.ok, 1 otherwise.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time

import nacl.signing
import zmq

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto-schemas", "tools"))
import strata_wire  # noqa: E402


def ask(ctx: zmq.Context, endpoint: str, seed: bytes, seq: int, timeout_ms: int) -> dict:
    request = strata_wire.sign({
        "proto": "strata/1", "type": "health.get", "id": strata_wire.new_id(),
        "sender": strata_wire.public_key_hex(seed.hex()), "seq": seq, "ts": int(time.time() * 1000), "body": {},
    }, seed.hex())
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    try:
        sock.send_multipart([b"", strata_wire.encode(request)])
        if not sock.poll(timeout_ms):
            raise TimeoutError(f"no answer from {endpoint} within {timeout_ms} ms")
        frames = sock.recv_multipart()
    finally:
        sock.close()
    reply = strata_wire.validate(frames[-1])
    if reply.get("re") != request["id"]:
        raise ValueError("the reply answers another request")
    if reply["type"] == "error":
        raise ValueError(f"error {reply['body']['code']}: {reply['body']['message']}")
    if reply["body"]["identity"] != reply["sender"]:
        raise ValueError("the reported identity is not the signer")
    return reply["body"]


def main() -> int:
    parser = argparse.ArgumentParser(description="Signed health.get to Strata services.")
    parser.add_argument("--endpoint", action="append", default=[], help="a request endpoint (repeatable)")
    parser.add_argument("--data-dir", help="a folder `strata up` runs in: ask every service listed in endpoints/")
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for each answer")
    args = parser.parse_args()
    endpoints = list(args.endpoint)
    if args.data_dir:
        for path in sorted(glob.glob(os.path.join(args.data_dir, "endpoints", "*.json"))):
            with open(path) as handle:
                endpoints.append(json.load(handle)["requests"])
    if not endpoints:
        parser.error("give --endpoint or --data-dir")
    seed = bytes(nacl.signing.SigningKey.generate())
    seq = time.time_ns() // 1000
    ctx = zmq.Context()
    down = 0
    for offset, endpoint in enumerate(endpoints):
        try:
            body = ask(ctx, endpoint, seed, seq + offset, int(args.timeout * 1000))
            print(json.dumps(dict(body, endpoint=endpoint), sort_keys=True), flush=True)
        except Exception as error:  # noqa: BLE001 - report every failure the same way
            down += 1
            print(json.dumps({"endpoint": endpoint, "status": "down", "error": str(error)}), flush=True)
    ctx.term()
    return 1 if down else 0


if __name__ == "__main__":
    sys.exit(main())
