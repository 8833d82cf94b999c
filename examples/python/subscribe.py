#!/usr/bin/python3
"""Subscribe to a running `strata bus` and verify every message against proto-schemas/.

    /usr/bin/python3 examples/python/subscribe.py [--endpoint tcp://127.0.0.1:7401]
        [--topic PREFIX] [--count N] [--timeout SECONDS]

Prints one line per verified message: time, topic, type, sender short id, seq, summary.
Rejected messages are reported on stderr with their error code (SPEC.md section 11).
Exit status: 0 when every message received verified, 1 if any failed, 2 on timeout before --count.
Needs Debian's python3-zmq, python3-jsonschema and python3-nacl.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto-schemas", "tools"))
import strata_wire  # noqa: E402

MAX_BYTES = 64 * 1024 * 1024


def summary(envelope: dict) -> str:
    body = envelope["body"]
    kind = envelope["type"]
    if kind == "diag.note":
        extra = f" value={body['value']}" if "value" in body else ""
        return f"n={body['n']} text={body['text'][:60]!r}{extra}"
    if kind == "diag.model":
        model = body["model"]
        return f"layout={model['layout']} count={model['count']} sha256={model['sha256'][:12]}"
    if kind == "node.heartbeat":
        return f"service={body['service']} status={body['status']} uptime_ms={body['uptime_ms']}"
    return strata_wire.canonical_text(body)[:80]


def main() -> int:
    parser = argparse.ArgumentParser(description="Verify strata/1 messages from the event bus.")
    parser.add_argument("--endpoint", default="tcp://127.0.0.1:7401", help="bus XPUB endpoint")
    parser.add_argument("--topic", default="", help="topic prefix to subscribe to (default: everything)")
    parser.add_argument("--count", type=int, default=0, help="exit after N messages (0 = run until stopped)")
    parser.add_argument("--timeout", type=float, default=0, help="give up after SECONDS without reaching --count")
    parser.add_argument("--freshness-ms", type=int, default=strata_wire.DEFAULT_FRESHNESS_MS)
    args = parser.parse_args()

    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.MAXMSGSIZE, MAX_BYTES + 256)
    sub.setsockopt(zmq.SUBSCRIBE, args.topic.encode("ascii"))
    sub.connect(args.endpoint)
    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)

    last_seq: dict = {}
    seen = failed = 0
    deadline = time.monotonic() + args.timeout if args.timeout > 0 else None
    try:
        while args.count == 0 or seen < args.count:
            wait_ms = 1000
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    print(f"timeout: {seen} of {args.count} messages", file=sys.stderr)
                    return 2
                wait_ms = max(1, min(wait_ms, int(left * 1000)))
            if not poller.poll(wait_ms):
                continue
            frames = sub.recv_multipart()
            seen += 1
            topic = frames[0].decode("ascii", "replace") if frames else ""
            code = None
            envelope = None
            if len(frames) != 2:
                code = "extra_frames" if len(frames) > 2 else "malformed"
            else:
                context = {"now_ms": int(time.time() * 1000), "max_bytes": MAX_BYTES,
                           "freshness_ms": args.freshness_ms, "last_seq": last_seq, "topic": topic}
                try:
                    envelope = strata_wire.validate(frames[1], context)
                except strata_wire.WireError as exc:
                    code = f"{exc.code} ({exc.message[:120]})"
            if code is not None:
                failed += 1
                print(f"REJECTED topic={topic[:60]} {code}", file=sys.stderr, flush=True)
                continue
            last_seq[envelope["sender"]] = envelope["seq"]
            when = time.strftime("%H:%M:%S", time.gmtime(envelope["ts"] / 1000)) + f".{envelope['ts'] % 1000:03d}"
            print(f"{when} {topic} {envelope['type']} {envelope['sender'][:8]} seq={envelope['seq']} "
                  f"{summary(envelope)}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        sub.close()
        ctx.term()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
