#!/usr/bin/python3
"""Generate the golden vectors of strata/1 into golden/valid and golden/invalid.

Deterministic: ids, seqs and timestamps are fixed and Ed25519 signatures are deterministic,
so running it again gives identical files (tests/test_golden.py checks this).

    /usr/bin/python3 proto-schemas/tools/make_golden.py [--out DIR]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import strata_wire as w  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(os.path.dirname(HERE), "golden")

with open(os.path.join(GOLDEN, "keys.json"), encoding="utf-8") as _f:
    KEYS = json.load(_f)
ALICE = KEYS["alice"]["public"]
BOB = KEYS["bob"]["public"]

TS = 1732530000000            # 2024-11-25T10:20:00Z in Unix milliseconds
SEQ0 = TS * 1000              # senders start seq at the Unix time in microseconds


def fixed_id(label: str) -> str:
    return hashlib.sha256(b"strata-golden/" + label.encode()).hexdigest()[:32]


ECHO_ID = fixed_id("diag.echo")


def envelope(kind: str, body: dict, label: str, seq_offset: int = 0, **fields) -> dict:
    env = {
        "proto": "strata/1",
        "type": kind,
        "id": fixed_id(label),
        "sender": ALICE,
        "seq": SEQ0 + seq_offset,
        "ts": TS,
        "body": body,
    }
    env.update(fields)
    return env


def signed(env: dict, signer: str = "alice") -> dict:
    return w.sign(env, KEYS[signer]["seed"])


def text_of(env: dict) -> str:
    return w.canonical_text(env)


def context(**overrides) -> dict:
    ctx = {
        "now_ms": TS,
        "max_bytes": w.DEFAULT_MAX_BYTES,
        "freshness_ms": w.DEFAULT_FRESHNESS_MS,
        "known_senders": None,
        "last_seq": {},
    }
    ctx.update(overrides)
    return ctx


# ---------------------------------------------------------------------------
# Valid examples
# ---------------------------------------------------------------------------

def valid_examples() -> dict:
    out = {}

    def add(name, description, env, wire=None, ctx=None):
        out[name] = {
            "description": description,
            "signer": "alice",
            "wire": wire if wire is not None else text_of(env),
            "canonical": w.sign_bytes(env).decode("utf-8"),
            "context": ctx or context(),
        }

    echo = signed(envelope("diag.echo", {"text": "hello"}, "diag.echo"))
    add("diag-echo", "diag.echo request; the worked example of SPEC.md section 8.5.", echo)

    add("diag-echo-ok", "diag.echo.ok reply to the diag-echo request ('re' = its id).",
        signed(envelope("diag.echo.ok", {"text": "hello"}, "diag.echo.ok", 1, re=ECHO_ID)))

    add("error-reply", "error reply with 're' = the id of the request it answers.",
        signed(envelope("error", {"code": "unknown_type", "message": "unknown type diag.unknown"},
                        "error", 2, re=ECHO_ID)))

    add("error-reply-unreadable-request",
        "error reply to a request whose id could not be read: 're' is 32 zeros.",
        signed(envelope("error", {"code": "malformed", "message": "not JSON"},
                        "error.zero", 3, re=w.ZERO_ID)))

    add("diag-note", "diag.note on topic diag.note, without the optional value.",
        signed(envelope("diag.note", {"n": 0, "text": "note 0"}, "diag.note", 4)),
        ctx=context(topic="diag.note"))

    floats = [
        ("0.1", 0.1), ("1e-7", 1e-7), ("1e21", 1e21), ("minus-1e21", -1e21), ("123.456", 123.456),
        ("minus-zero", -0.0), ("min-subnormal", 5e-324), ("max-double", 1.7976931348623157e308),
        ("one-point-zero", 1.0), ("minus-1.5", -1.5), ("1e-6", 1e-6), ("third", 333333333.33333329),
        ("max-safe-integer", 9007199254740991), ("negative-integer", -42),
    ]
    for i, (label, value) in enumerate(floats):
        env = signed(envelope("diag.note", {"n": i + 1, "text": "float " + label, "value": value},
                              "diag.note.value." + label, 10 + i))
        add("diag-note-value-" + label,
            f"diag.note whose value {value!r} exercises JCS number formatting "
            f"(canonical {w.format_number(value)}).", env, ctx=context(topic="diag.note"))

    # The same numbers, written in non-canonical spellings on the wire.
    env = signed(envelope("diag.note", {"n": 99, "text": "spelling", "value": 1e21}, "diag.note.spelling", 30))
    wire = text_of(env).replace('"value":1e+21', '"value":1.000E+21')
    assert wire != text_of(env)
    add("diag-note-number-spelling",
        "diag.note whose wire writes 1.000E+21 (and the integer n as 99); canonical bytes use 1e+21.",
        env, wire=wire, ctx=context(topic="diag.note"))

    env = signed(envelope("diag.note", {"n": 7, "text": "minus zero", "value": -0.0}, "diag.note.minuszero", 31))
    wire = text_of(env).replace('"value":0', '"value":-0.0e5')
    add("diag-note-minus-zero-spelling",
        "diag.note whose wire writes the value as -0.0e5; canonical bytes write 0.", env, wire=wire,
        ctx=context(topic="diag.note"))

    model = w.model_parameters([0.0, 1.0, -1.0, 0.5, -0.25, 3.1415927, 1e-8, -2.5e6, 65504.0, 0.1],
                               "test-10")
    add("diag-model", "diag.model carrying a real 10-parameter Float32 model on topic diag.model.",
        signed(envelope("diag.model", {"model": model}, "diag.model", 40)), ctx=context(topic="diag.model"))

    add("node-heartbeat", "node.heartbeat of the mec service on topic node.heartbeat.mec.",
        signed(envelope("node.heartbeat", {"service": "mec", "uptime_ms": 0, "status": "ok"},
                        "node.heartbeat", 41)),
        ctx=context(topic="node.heartbeat.mec", known_senders=[ALICE]))

    add("node-heartbeat-bus", "node.heartbeat of the bus, status stopping.",
        signed(envelope("node.heartbeat", {"service": "bus", "uptime_ms": 86400000, "status": "stopping"},
                        "node.heartbeat.bus", 42)),
        ctx=context(topic="node.heartbeat.bus"))

    add("node-heartbeat-swarm", "node.heartbeat of a device swarm with its instance name and device count.",
        signed(envelope("node.heartbeat", {"service": "swarm", "instance": "swarm-0", "uptime_ms": 1500,
                                           "status": "ok", "devices": 30}, "node.heartbeat.swarm", 43)),
        ctx=context(topic="node.heartbeat.swarm"))

    add("health-get", "health.get request: the body is empty.",
        signed(envelope("health.get", {}, "health.get", 44)))

    add("health-get-ok", "health.get.ok reply of an MEC aggregator with its counters.",
        signed(envelope("health.get.ok", {
            "service": "mec", "instance": "mec-2", "status": "ok", "version": "0.1.0",
            "uptime_ms": 61000, "identity": ALICE, "db_bytes": 4096, "received": 12,
            "rejected": {"bad_signature": 1, "stale": 2}, "published": 61}, "health.get.ok", 45,
            re=fixed_id("health.get"))))

    add("health-get-ok-swarm", "health.get.ok of a device swarm: devices present, nothing rejected.",
        signed(envelope("health.get.ok", {
            "service": "swarm", "instance": "swarm-0", "status": "degraded", "version": "0.1.0-dev+1",
            "uptime_ms": 0, "identity": ALICE, "db_bytes": 0, "received": 0, "rejected": {},
            "published": 0, "devices": 10}, "health.get.ok.swarm", 46, re=fixed_id("health.get"))))

    batch = base64.b64encode(b"STB1" + bytes([0, 0, 0, 0])).decode("ascii")
    add("consensus-submit", "consensus.submit of an (empty) transaction batch, answered once committed.",
        signed(envelope("consensus.submit", {"payload": batch, "wait_ms": 5000}, "consensus.submit", 47)))
    add("consensus-submit-ok", "consensus.submit.ok: committed at sequence 12.",
        signed(envelope("consensus.submit.ok", {"digest": hashlib.sha256(b"STB1\0\0\0\0").hexdigest(), "committed": True,
                                                "sequence": 12}, "consensus.submit.ok", 48, re=fixed_id("consensus.submit"))))
    add("consensus-status", "consensus.status request: the body is empty.",
        signed(envelope("consensus.status", {}, "consensus.status", 49)))
    add("consensus-status-ok", "consensus.status.ok of member 2 of 4 in view 1, nothing executed yet.",
        signed(envelope("consensus.status.ok", {"replica": 2, "members": 4, "view": 1, "primary": 1, "executed": 0,
                                                "changing_view": False, "state_digest": "", "dropped": 3}, "consensus.status.ok", 50,
                        re=fixed_id("consensus.status"))))

    # Any JSON formatting is accepted: whitespace, other key order, escapes the canonical form does not use.
    env = signed(envelope("diag.echo", {"text": "Grüße/ok"}, "diag.echo.noncanonical", 50))
    order = ["sig", "body", "type", "seq", "ts", "sender", "proto", "id"]
    parts = []
    for key in order:
        value = env[key]
        if key == "body":
            value_text = '{\n    "text" : "Gr\\u00fc\\u00dfe\\/ok"\n  }'
        else:
            value_text = json.dumps(value)
        parts.append(f'  "{key}" :  {value_text}')
    wire = "\r\n {\n" + ",\n".join(parts) + "\n}\t\n"
    add("diag-echo-noncanonical-wire",
        "diag.echo whose wire has whitespace, shuffled keys and escapes \\u00fc \\u00df \\/; "
        "receivers recompute the canonical bytes.", env, wire=wire)

    env = signed(envelope("diag.echo", {"text": "Grüße ✓\n\t\u2028 \u0000\u001f\u007f \"q\" \\ 😀 é"},
                          "diag.echo.unicode", 51))
    add("diag-echo-unicode",
        "diag.echo with non-ASCII, an astral character, U+2028, DEL and control characters: JCS writes "
        "\\n \\t \\u0000 \\u001f escaped and everything else as literal UTF-8.", env)

    env = signed(envelope("diag.echo", {"text": "é" * 4096}, "diag.echo.max", 52))
    add("diag-echo-max-text", "diag.echo with text of exactly 4096 code points (the limit).", env)

    env = signed(envelope("diag.note", {"n": w.MAX_SAFE_INTEGER, "text": ""}, "diag.note.bounds", 0,
                          seq=w.MAX_SAFE_INTEGER))
    add("diag-note-bounds", "diag.note with seq and n at 2^53-1 and empty text.", env,
        ctx=context(topic="diag.note"))

    env = signed(envelope("diag.echo", {"text": "edge"}, "diag.echo.edge", 53))
    add("diag-echo-freshness-edge",
        "diag.echo exactly 30000 ms old, one seq above the last accepted, from a known sender: accepted.",
        env, ctx=context(now_ms=TS + 30000, known_senders=[BOB, ALICE], last_seq={ALICE: SEQ0 + 52}))

    env = signed(envelope("diag.echo", {"text": "note the re"}, "diag.echo.re", 54, re=ECHO_ID))
    add("diag-echo-with-re", "A request may carry 're'; it has no meaning for requests in strata/1.", env)
    return out


# ---------------------------------------------------------------------------
# Invalid examples
# ---------------------------------------------------------------------------

def invalid_examples() -> dict:
    out = {}

    def add(name, expect, description, wire, ctx=None):
        entry = {"description": description, "expect": expect}
        if isinstance(wire, bytes):
            # Bytes a JSON string cannot carry faithfully (invalid UTF-8, a byte order mark that
            # JSON readers strip) travel as base64.
            try:
                text = wire.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is None or text.startswith("\ufeff"):
                entry["wire_base64"] = base64.b64encode(wire).decode("ascii")
            else:
                entry["wire"] = text
        else:
            entry["wire"] = wire
        entry["context"] = ctx or context()
        out[expect + "--" + name] = entry

    def echo(label, text="x", offset=100, **fields):
        return envelope("diag.echo", {"text": text}, "bad." + label, offset, **fields)

    good = signed(echo("base"))
    good_text = text_of(good)

    # 1 size
    add("max-bytes", "too_large", "A valid message larger than max_bytes (100).", good_text,
        context(max_bytes=100))
    add("before-parse", "too_large", "Oversize and not JSON: the size check comes first.",
        "not json " * 20, context(max_bytes=64))

    # 2 JSON
    add("not-json", "malformed", "Not JSON at all.", "hello strata")
    add("empty", "malformed", "Zero bytes.", "")
    add("truncated", "malformed", "Valid message cut in half.", good_text[: len(good_text) // 2])
    add("top-level-array", "malformed", "Top level is an array holding a valid envelope.", "[" + good_text + "]")
    add("top-level-string", "malformed", "Top level is a string.", '"strata/1"')
    add("trailing-data", "malformed", "A valid envelope followed by more data.", good_text + " {}")
    bad_utf8 = good_text.replace('"text":"x"', '"text":"\x00MARK"').encode()
    add("invalid-utf8", "malformed", "Byte 0xff inside a string (not UTF-8).",
        bad_utf8.replace(b"\x00MARK", b"\xff"))
    add("overlong-utf8", "malformed", "Overlong UTF-8 encoding of '/' (0xc0 0xaf).",
        bad_utf8.replace(b"\x00MARK", b"\xc0\xaf"))
    add("utf8-bom", "malformed", "A UTF-8 byte order mark before the object.", b"\xef\xbb\xbf" + good_text.encode())
    add("duplicate-key", "malformed", "Envelope key 'seq' appears twice.",
        good_text.replace('"seq":', f'"seq":{good["seq"]},"seq":', 1))
    add("duplicate-key-body", "malformed", "Body key 'text' appears twice.",
        good_text.replace('"text":"x"', '"text":"x","text":"y"'))
    add("duplicate-key-escaped", "malformed", "Body keys 'text' and 't\\u0065xt' are the same key.",
        good_text.replace('"text":"x"', '"text":"x","t\\u0065xt":"x"'))
    add("integer-beyond-2-53", "malformed", "seq = 2^53, beyond the safe integer range.",
        good_text.replace(f'"seq":{good["seq"]}', '"seq":9007199254740992'))
    note = signed(envelope("diag.note", {"n": 1, "text": "t", "value": 0.5}, "bad.note", 101))
    note_text = text_of(note)
    add("negative-integer-beyond-2-53", "malformed", "A body integer of -(2^53), anywhere, is malformed.",
        note_text.replace('"value":0.5', '"value":-9007199254740992'))
    add("number-overflow", "malformed", "1e400 does not fit a double.",
        note_text.replace('"value":0.5', '"value":1e400'))
    add("float-in-integer-gap", "malformed",
        "value 1e20: JCS writes it 100000000000000000000, an integer literal beyond 2^53-1. "
        "Doubles with 2^53 <= |x| < 1e21 cannot travel in strata/1.",
        text_of(signed(envelope("diag.note", {"n": 1, "text": "gap", "value": 1e20}, "bad.gap", 129))))
    add("nan", "malformed", "NaN is not JSON.", note_text.replace('"value":0.5', '"value":NaN'))
    add("infinity", "malformed", "-Infinity is not JSON.", note_text.replace('"value":0.5', '"value":-Infinity'))
    add("leading-zero", "malformed", "Number with a leading zero.", note_text.replace('"value":0.5', '"value":05'))
    add("lone-surrogate", "malformed", "String with an unpaired surrogate escape \\ud800.",
        good_text.replace('"text":"x"', '"text":"\\ud800x"'))
    add("raw-control-char", "malformed", "Unescaped tab inside a string.",
        good_text.replace('"text":"x"', '"text":"a\tb"'))
    add("single-quotes", "malformed", "Single-quoted string.", good_text.replace('"text":"x"', "\"text\":'x'"))
    add("nesting-too-deep", "malformed", "Nesting of 65 levels (limit 64), before any schema check.",
        note_text.replace('"value":0.5', '"value":' + "[" * 63 + "]" * 63))

    # 3 envelope shape
    for field in ["proto", "type", "id", "sender", "seq", "ts", "body", "sig"]:
        env = dict(good)
        del env[field]
        add("missing-" + field, "invalid", f"Envelope without '{field}'.", text_of(env))
    add("seq-string", "invalid", "seq is a string.",
        good_text.replace(f'"seq":{good["seq"]}', f'"seq":"{good["seq"]}"'))
    add("seq-fraction", "invalid", "seq written as a number with a fraction (1.0 form) is not an integer.",
        good_text.replace(f'"seq":{good["seq"]}', f'"seq":{good["seq"]}.0'))
    add("seq-negative", "invalid", "seq below 0.", good_text.replace(f'"seq":{good["seq"]}', '"seq":-1'))
    add("ts-exponent", "invalid", "ts written with an exponent is not an integer literal.",
        good_text.replace(f'"ts":{TS}', '"ts":1.73253e12'))
    add("body-array", "invalid", "body is an array.", good_text.replace('"body":{"text":"x"}', '"body":["x"]'))
    add("body-null", "invalid", "body is null.", good_text.replace('"body":{"text":"x"}', '"body":null'))
    add("extra-envelope-key", "invalid", "An envelope key not in strata/1 ('extra').",
        text_of(signed(dict(echo("extra"), extra=1))))
    add("sender-bad-hex", "invalid", "sender contains a non-hex letter.",
        good_text.replace(ALICE, "g" + ALICE[1:]))
    add("sender-uppercase-hex", "invalid", "sender in uppercase hex.", good_text.replace(ALICE, ALICE.upper()))
    add("sender-short", "invalid", "sender of 62 hex digits.", good_text.replace(ALICE, ALICE[:62]))
    add("id-trailing-newline", "invalid", "id followed by a newline (ECMA-262 '$' does not match before it).",
        good_text.replace(good["id"], good["id"] + "\\n"))
    add("sig-short", "invalid", "sig of 126 hex digits.", good_text.replace(good["sig"], good["sig"][:126]))
    add("type-uppercase", "invalid", "type 'Diag.echo' breaks the type pattern.",
        text_of(signed(echo("upper", type="Diag.echo"))))
    add("type-empty-segment", "invalid", "type 'diag..echo' breaks the type pattern.",
        text_of(signed(echo("segment", type="diag..echo"))))
    add("proto-number", "invalid", "proto is a number.", good_text.replace('"proto":"strata/1"', '"proto":1'))
    add("proto-pattern", "invalid", "proto 'strata/1.0' breaks the proto pattern (before the version check).",
        text_of(signed(echo("protopattern", proto="strata/1.0"))))
    ok = envelope("diag.echo.ok", {"text": "x"}, "bad.noreok", 102)
    add("reply-without-re", "invalid", "diag.echo.ok without 're'.", text_of(signed(ok)))
    err = envelope("error", {"code": "internal", "message": "boom"}, "bad.noreerr", 103)
    add("error-without-re", "invalid", "error without 're'.", text_of(signed(err)))
    add("unknown-reply-without-re", "invalid",
        "An unknown '*.ok' type without 're' fails the envelope shape before the type check.",
        text_of(signed(envelope("diag.nothing.ok", {}, "bad.unknownok", 104))))
    add("re-bad", "invalid", "re of 31 hex digits.", text_of(signed(echo("rebad", re=ECHO_ID[:31]))))
    env = signed(echo("shape-before-version", proto="strata/2"))
    env["extra"] = True
    add("shape-before-version", "invalid", "Extra key and proto strata/2: shape is checked first.", text_of(env))

    # 4 version
    add("strata-2", "unsupported_version", "proto strata/2, correctly signed.",
        text_of(signed(echo("v2", proto="strata/2"))))
    env = signed(envelope("diag.unknown", {"whatever": 1}, "bad.v2unknown", 105, proto="strata/2"))
    env["sig"] = "00" * 64
    add("before-type-and-signature", "unsupported_version",
        "proto strata/0, unknown type and a zero signature: the version check comes first.",
        text_of(dict(env, proto="strata/0")))

    # 5 type
    add("diag-unknown", "unknown_type", "type diag.unknown, correctly signed.",
        text_of(signed(envelope("diag.unknown", {"text": "x"}, "bad.unknown", 106))))
    env = signed(envelope("diag.unknown", {"nonsense": [1]}, "bad.unknown2", 107))
    env["sig"] = "00" * 64
    add("before-topic-body-signature", "unknown_type",
        "Unknown type with a topic, odd body and zero signature: the type check comes first.",
        text_of(env), context(topic="diag.note"))

    # 6 topic
    add("note-on-model-topic", "topic_mismatch", "diag.note published on topic diag.model.",
        note_text, context(topic="diag.model"))
    add("echo-published", "topic_mismatch", "diag.echo is never published; any topic mismatches.",
        good_text, context(topic="diag.echo"))
    add("prefix-only", "topic_mismatch", "diag.note on topic 'diag.note.extra'.", note_text,
        context(topic="diag.note.extra"))
    add("trailing-newline", "topic_mismatch", "Topic 'diag.note\\n'.", note_text, context(topic="diag.note\n"))
    hb = signed(envelope("node.heartbeat", {"service": "mec", "uptime_ms": 5, "status": "ok"}, "bad.hb", 108))
    add("heartbeat-unknown-service-topic", "topic_mismatch", "node.heartbeat on node.heartbeat.nobody.",
        text_of(hb), context(topic="node.heartbeat.nobody"))
    add("heartbeat-service-differs", "topic_mismatch",
        "node.heartbeat whose body.service (mec) differs from the topic suffix (swarm).",
        text_of(hb), context(topic="node.heartbeat.swarm"))
    add("before-body", "topic_mismatch", "Wrong topic and a body with an extra field: topic first.",
        text_of(signed(envelope("diag.note", {"n": 1, "text": "t", "x": 1}, "bad.topicbody", 109))),
        context(topic="diag.model"))

    # 7 body
    add("body-missing-text", "invalid", "diag.echo body without text.",
        text_of(signed(envelope("diag.echo", {}, "bad.notext", 110))))
    add("body-extra-field", "invalid", "diag.echo body with an extra field.",
        text_of(signed(envelope("diag.echo", {"text": "x", "lang": "en"}, "bad.bodyextra", 111))))
    add("text-over-4096", "invalid", "diag.echo text of 4097 code points.",
        text_of(signed(echo("long", text="é" * 4097))))
    add("text-not-string", "invalid", "diag.echo text is a number.",
        text_of(signed(envelope("diag.echo", {"text": 5}, "bad.textnum", 112))))
    add("note-n-negative", "invalid", "diag.note with n = -1.",
        text_of(signed(envelope("diag.note", {"n": -1, "text": "t"}, "bad.nneg", 113))))
    add("note-n-fraction", "invalid", "diag.note n written as 1.0 is not an integer literal.",
        note_text.replace('"n":1', '"n":1.0'))
    add("note-value-string", "invalid", "diag.note value is a string.",
        text_of(signed(envelope("diag.note", {"n": 1, "text": "t", "value": "0.5"}, "bad.valstr", 114))))
    add("heartbeat-status", "invalid", "node.heartbeat status 'sleeping'.",
        text_of(signed(envelope("node.heartbeat", {"service": "mec", "uptime_ms": 1, "status": "sleeping"},
                                "bad.hbstatus", 115))), context(topic="node.heartbeat.mec"))
    add("heartbeat-service", "invalid", "node.heartbeat service 'nobody' (no topic given).",
        text_of(signed(envelope("node.heartbeat", {"service": "nobody", "uptime_ms": 1, "status": "ok"},
                                "bad.hbservice", 116))))
    add("heartbeat-instance-pattern", "invalid", "node.heartbeat instance 'MEC 2' (uppercase, space).",
        text_of(signed(envelope("node.heartbeat", {"service": "mec", "instance": "MEC 2", "uptime_ms": 1,
                                                   "status": "ok"}, "bad.hbinstance", 130))),
        context(topic="node.heartbeat.mec"))
    add("heartbeat-devices-negative", "invalid", "node.heartbeat devices -1.",
        text_of(signed(envelope("node.heartbeat", {"service": "swarm", "uptime_ms": 1, "status": "ok",
                                                   "devices": -1}, "bad.hbdevices", 131))),
        context(topic="node.heartbeat.swarm"))
    add("health-get-body-member", "invalid", "health.get with a member in its (empty) body.",
        text_of(signed(envelope("health.get", {"verbose": True}, "bad.healthget", 132))))
    health = {"service": "mec", "instance": "mec-0", "status": "ok", "version": "0.1.0", "uptime_ms": 1,
              "identity": ALICE, "db_bytes": 0, "received": 0, "rejected": {}, "published": 0}
    add("health-ok-rejected-code", "invalid", "health.get.ok counting rejections under an unknown code.",
        text_of(signed(envelope("health.get.ok", dict(health, rejected={"oops": 1}), "bad.healthcode", 133,
                                re=ECHO_ID))))
    add("health-ok-missing-identity", "invalid", "health.get.ok without identity.",
        text_of(signed(envelope("health.get.ok", {k: v for k, v in health.items() if k != "identity"},
                                "bad.healthid", 134, re=ECHO_ID))))
    add("health-ok-published", "topic_mismatch", "health.get.ok is a reply and is never published.",
        text_of(signed(envelope("health.get.ok", health, "bad.healthpub", 135, re=ECHO_ID))),
        context(topic="health.get.ok"))
    add("consensus-submit-wait-long", "invalid", "consensus.submit waiting 60001 ms (at most 60000).",
        text_of(signed(envelope("consensus.submit", {"payload": "AAAA", "wait_ms": 60001}, "bad.submitwait", 136))))
    add("consensus-submit-not-base64", "invalid", "consensus.submit whose payload is not base64.",
        text_of(signed(envelope("consensus.submit", {"payload": "not base64!", "wait_ms": 0}, "bad.submitb64", 137))))
    add("consensus-status-ok-digest", "invalid", "consensus.status.ok whose state_digest is 63 hex digits.",
        text_of(signed(envelope("consensus.status.ok", {"replica": 0, "members": 4, "view": 0, "primary": 0, "executed": 1,
                                                        "changing_view": False, "state_digest": "a" * 63, "dropped": 0},
                                "bad.statusdigest", 138, re=ECHO_ID))))
    add("error-code-unknown", "invalid", "error reply with code 'oops'.",
        text_of(signed(envelope("error", {"code": "oops", "message": "m"}, "bad.errcode", 117, re=ECHO_ID))))
    add("error-message-long", "invalid", "error message of 1025 code points.",
        text_of(signed(envelope("error", {"code": "internal", "message": "m" * 1025}, "bad.errlong", 118,
                                re=ECHO_ID))))

    values = [0.5, -0.5, 1.0, 2.0, 0.0, 4.0, 8.0, 16.0, 32.0, 64.0]
    model = w.model_parameters(values, "test-10")

    def model_case(name, description, mutate, offset):
        m = dict(model)
        mutate(m)
        env = signed(envelope("diag.model", {"model": m}, "bad.model." + name, offset))
        add("model-" + name, "invalid", description, text_of(env), context(topic="diag.model"))

    short = w.model_parameters(values[:9], "test-10")
    model_case("count-mismatch", "count 10 but data holds 9 floats (36 bytes), digest of those 36 bytes.",
               lambda m: m.update(data=short["data"], sha256=short["sha256"]), 119)
    model_case("count-over-limit", "count 50000001 (limit 50,000,000).", lambda m: m.update(count=50000001), 120)
    model_case("sha256-mismatch", "sha256 of other bytes.",
               lambda m: m.update(sha256=hashlib.sha256(b"other").hexdigest()), 121)
    raw = base64.b64decode(model["data"])
    canon = base64.b64encode(raw).decode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    stem = canon.rstrip("=")
    assert len(stem) < len(canon), "the test model must need padding"
    last = alphabet[alphabet.index(stem[-1]) + 1]  # sets the lowest (unused) padding bit
    sloppy = stem[:-1] + last + canon[len(stem):]
    assert base64.b64decode(sloppy) == raw, "test vector must decode to the same bytes"
    model_case("base64-noncanonical", "data decodes to the right bytes but has non-zero padding bits.",
               lambda m: m.update(data=sloppy), 122)
    model_case("base64-alphabet", "data uses the URL-safe alphabet ('-').",
               lambda m: m.update(data="-" + canon[1:]), 123)
    model_case("base64-unpadded", "data without its '=' padding.", lambda m: m.update(data=canon.rstrip("=")), 124)
    model_case("dtype", "dtype f64le.", lambda m: m.update(dtype="f64le"), 125)
    model_case("layout-uppercase", "layout with an uppercase letter.", lambda m: m.update(layout="Test-10"), 126)
    model_case("count-zero", "count 0.", lambda m: m.update(count=0, data="", sha256=hashlib.sha256(b"").hexdigest()),
               127)
    add("before-unknown-sender", "invalid", "Body with an extra field from an unknown sender: body first.",
        text_of(signed(envelope("diag.echo", {"text": "x", "y": 1}, "bad.bodysender", 128))),
        context(known_senders=[BOB]))

    # 8 sender
    add("not-in-roster", "unknown_sender", "alice is not among the known senders [bob].", good_text,
        context(known_senders=[BOB]))
    add("empty-roster", "unknown_sender", "No sender is known.", good_text, context(known_senders=[]))
    forged = dict(good, sig=signed(echo("base"), "bob")["sig"])
    add("before-signature", "unknown_sender", "Unknown sender and a forged signature: sender first.",
        text_of(forged), context(known_senders=[BOB]))

    # 9 signature
    add("forged-by-bob", "bad_signature", "Signed with bob's key but sender is alice.", text_of(forged))
    changed = dict(good, body={"text": "y"})
    add("body-changed-after-signing", "bad_signature", "body.text changed from x to y after signing.",
        text_of(changed))
    add("seq-changed-after-signing", "bad_signature", "seq increased by 1 after signing.",
        text_of(dict(good, seq=good["seq"] + 1)))
    add("re-added-after-signing", "bad_signature", "re added after signing (it is covered by the signature).",
        text_of(dict(good, re=ECHO_ID)))
    noncanon = json.dumps({k: v for k, v in good.items() if k != "sig"}, indent=1)
    key = __import__("nacl.signing", fromlist=["SigningKey"]).SigningKey(bytes.fromhex(KEYS["alice"]["seed"]))
    wire_signed = dict(good, sig=key.sign(noncanon.encode()).signature.hex())
    add("signed-wire-not-canonical", "bad_signature",
        "Signature over an indented JSON text instead of the canonical bytes.", text_of(wire_signed))
    add("zero-signature", "bad_signature", "sig is 64 zero bytes.", text_of(dict(good, sig="00" * 64)))
    add("before-replay-and-staleness", "bad_signature", "Forged signature, replayed seq, stale ts: signature first.",
        text_of(forged), context(last_seq={ALICE: good["seq"]}, now_ms=TS + 10**6))

    # 10 sequence
    add("equal", "replayed", "seq equal to the last accepted seq.", good_text, context(last_seq={ALICE: good["seq"]}))
    add("lower", "replayed", "seq lower than the last accepted seq.", good_text,
        context(last_seq={ALICE: good["seq"] + 1000}))
    add("before-staleness", "replayed", "Replayed and stale: replay first.", good_text,
        context(last_seq={ALICE: good["seq"]}, now_ms=TS - 10**6))

    # 11 freshness
    add("past", "stale", "ts 30001 ms before now (window 30000).", good_text, context(now_ms=TS + 30001))
    add("future", "stale", "ts 30001 ms after now (window 30000).", good_text, context(now_ms=TS - 30001))
    add("narrow-window", "stale", "ts 1001 ms old with a 1000 ms window.", good_text,
        context(now_ms=TS + 1001, freshness_ms=1000))
    return out


def write_all(out_dir: str) -> None:
    for kind, examples in (("valid", valid_examples()), ("invalid", invalid_examples())):
        folder = os.path.join(out_dir, kind)
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".json"):
                os.remove(os.path.join(folder, name))
        for name, example in sorted(examples.items()):
            with open(os.path.join(folder, name + ".json"), "w", encoding="utf-8", newline="\n") as f:
                f.write(json.dumps(example, indent=2, ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=GOLDEN, help="folder that receives valid/ and invalid/")
    args = parser.parse_args()
    write_all(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
