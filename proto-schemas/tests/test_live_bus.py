"""A third-party subscriber (Debian's python3-zmq) on a running `strata bus`.

Starts the real `strata bus` binary on free loopback ports, subscribes with pyzmq, waits for the
bus's heartbeat (so the subscription is through), has `strata demo --frontend` publish its burst,
and validates every message against proto-schemas/ (JSON Schema + signature + canonical bytes) with
tools/strata_wire.py. The forged note of the burst must be rejected with bad_signature.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import strata_wire  # noqa: E402

STRATA = os.environ.get("STRATA_BIN", os.path.join(ROOT, ".build", "debug", "strata"))


class LiveBus(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.access(STRATA, os.X_OK), f"{STRATA} is missing: run `make build` first")
        self.folder = tempfile.mkdtemp(prefix="strata-pybus-")
        endpoints_file = os.path.join(self.folder, "bus.json")
        self.bus = subprocess.Popen(
            [STRATA, "bus", "--frontend", "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*",
             "--requests", "tcp://127.0.0.1:*", "--endpoints-file", endpoints_file,
             "--data-dir", os.path.join(self.folder, "bus"), "--heartbeat-ms", "200"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while not os.path.exists(endpoints_file):
            self.assertIsNone(self.bus.poll(), "strata bus exited before it was up")
            self.assertLess(time.monotonic(), deadline, "strata bus wrote no endpoints file")
            time.sleep(0.02)
        with open(endpoints_file) as handle:
            self.endpoints = json.load(handle)

    def tearDown(self):
        if self.bus.poll() is None:
            self.bus.send_signal(signal.SIGTERM)
            self.bus.wait(timeout=5)
        self.bus.stdout.close()
        self.bus.stderr.close()

    def test_python_subscriber_validates_the_demo_burst(self):
        ctx = zmq.Context()
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(self.endpoints["backend"])
        poller = zmq.Poller()
        poller.register(sub, zmq.POLLIN)
        last_seq: dict = {}
        verified, rejected = [], []

        def receive(seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if not poller.poll(50):
                    continue
                frames = sub.recv_multipart()
                self.assertEqual(len(frames), 2, "a publication is [topic, envelope]")
                topic = frames[0].decode("ascii")
                context = {"now_ms": int(time.time() * 1000), "max_bytes": 64 * 1024 * 1024,
                           "freshness_ms": 30_000, "last_seq": last_seq, "topic": topic}
                try:
                    envelope = strata_wire.validate(frames[1], context)
                except strata_wire.WireError as error:
                    rejected.append((topic, error.code))
                    continue
                last_seq[envelope["sender"]] = envelope["seq"]
                verified.append((topic, envelope))
                if sum(1 for t, _ in verified if t.startswith("diag.")) == 6:
                    return

        try:
            # The first bus heartbeat proves the subscription has reached the bus (slow joiner).
            deadline = time.monotonic() + 10
            while not any(t == "node.heartbeat.bus" for t, _ in verified) and time.monotonic() < deadline:
                receive(0.2)
            self.assertTrue(any(t == "node.heartbeat.bus" for t, _ in verified), "no bus heartbeat")
            demo = subprocess.run([STRATA, "demo", "--frontend", self.endpoints["frontend"], "--notes", "5"],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
            self.assertEqual(demo.returncode, 0, demo.stderr)
            receive(10)
        finally:
            sub.close()
            ctx.term()

        diag = [(t, e) for t, e in verified if t.startswith("diag.")]
        self.assertEqual([e["type"] for _, e in diag], ["diag.note"] * 5 + ["diag.model"])
        self.assertEqual([e["body"]["n"] for _, e in diag[:5]], [0, 1, 2, 3, 4])
        model = diag[-1][1]["body"]["model"]
        self.assertEqual(model["count"], 7850)
        self.assertEqual(rejected, [("diag.note", "bad_signature")], "exactly the forged note is rejected")
        for _, envelope in verified:
            strata_wire.validator_for(envelope["type"]).validate(envelope)

    def test_sigterm_stops_the_bus_with_exit_0(self):
        started = time.monotonic()
        self.bus.send_signal(signal.SIGTERM)
        self.assertEqual(self.bus.wait(timeout=5), 0)
        self.assertLess(time.monotonic() - started, 2.0)


if __name__ == "__main__":
    unittest.main()
