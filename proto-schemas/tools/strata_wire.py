#!/usr/bin/python3
"""strata_wire: an independent Python implementation of the strata/1 wire contract.

It is the reference the Swift StrataProtocol is checked against (see ../SPEC.md):

* parse()        strict JSON decoding: UTF-8, no duplicate keys, integers within +-(2^53-1),
                 finite numbers, no lone surrogates, nesting depth <= 64 (code "malformed")
* canonical()    RFC 8785 JCS bytes, with ECMAScript number formatting
* sign_bytes()   the canonical bytes of an envelope without "sig" (what Ed25519 signs)
* sign()/verify_signature()   Ed25519 (RFC 8032) through python3-nacl
* check()        the full validation order of SPEC.md section 12; returns an error code or None

Runs with Debian's /usr/bin/python3 (python3-jsonschema 4.10, python3-nacl). No network.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
import re
import sys
import time
from typing import Any, Optional

import jsonschema
import nacl.exceptions
import nacl.signing

PROTO = "strata/1"
MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64
DEFAULT_MAX_BYTES = 1_048_576
DEFAULT_FRESHNESS_MS = 30_000
ZERO_ID = "0" * 32

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA_DIR = os.path.join(ROOT, "schemas")
TOPICS_PATH = os.path.join(ROOT, "topics.json")
SCHEMA_BASE = "https://strata.invalid/schemas/"

ERROR_CODES = (
    "too_large", "malformed", "invalid", "unsupported_version", "unknown_type",
    "topic_mismatch", "unknown_sender", "bad_signature", "replayed", "stale",
    "extra_frames", "internal", "unavailable",
)


class WireError(Exception):
    """A message was rejected; .code is one of ERROR_CODES."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------
# Strict JSON decoding
# ---------------------------------------------------------------------------

class _Malformed(ValueError):
    pass


def _pairs_hook(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise _Malformed(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _parse_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:  # e.g. more digits than Python converts
        raise _Malformed(f"integer literal not convertible: {exc}") from None
    if abs(value) > MAX_SAFE_INTEGER:
        raise _Malformed("integer beyond +-(2^53-1)")
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Malformed(f"number out of range: {text[:40]}")
    return value


def _parse_constant(text: str):
    raise _Malformed(f"{text} is not JSON")


def _check_tree(value: Any, depth: int) -> None:
    """Depth limit and string validity (no lone surrogates) over the parsed tree."""
    if depth > MAX_DEPTH:
        raise _Malformed(f"nesting deeper than {MAX_DEPTH}")
    if isinstance(value, str):
        _check_string(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_string(key)
            _check_tree(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_tree(item, depth + 1)


def _check_string(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Malformed("string contains a lone surrogate") from None


_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs_hook,
    parse_int=_parse_int,
    parse_float=_parse_float,
    parse_constant=_parse_constant,
    strict=True,
)


def parse(wire: bytes) -> Any:
    """Decode wire bytes as strict JSON. Raises WireError("malformed")."""
    try:
        text = wire.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise WireError("malformed", f"not UTF-8: {exc}") from None
    if text.startswith("\ufeff"):
        raise WireError("malformed", "byte order mark")
    try:
        value = _DECODER.decode(text)
        _check_tree(value, 1)
    except _Malformed as exc:
        raise WireError("malformed", str(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise WireError("malformed", f"not JSON: {exc}") from None
    return value


# ---------------------------------------------------------------------------
# RFC 8785 canonicalization
# ---------------------------------------------------------------------------

def format_number(value: Any) -> str:
    """ECMAScript Number.prototype.toString for a finite double (or a safe integer)."""
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError("integer beyond +-(2^53-1)")
        return str(value)
    if not math.isfinite(value):
        raise ValueError("NaN and Infinity have no JSON form")
    if value == 0:
        return "0"  # also -0
    if value < 0:
        return "-" + format_number(-value)
    # Python's repr gives the shortest digit string that round-trips (like ECMAScript).
    text = repr(value)
    mantissa, _, exp_text = text.partition("e")
    exponent = int(exp_text) if exp_text else 0
    int_part, _, frac_part = mantissa.partition(".")
    digits = int_part + frac_part
    point = len(int_part) + exponent  # value = 0.digits * 10^point
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    if k == 1:
        return f"{digits}e{sign}{abs(e)}"
    return f"{digits[0]}.{digits[1:]}e{sign}{abs(e)}"


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _format_string(text: str) -> str:
    out = ['"']
    for ch in text:
        esc = _SHORT_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be")


def _serialize(value: Any, out: list) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, (int, float)):
        out.append(format_number(value))
    elif isinstance(value, str):
        out.append(_format_string(value))
    elif isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_format_string(key))
            out.append(":")
            _serialize(value[key], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _serialize(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot canonicalize {type(value).__name__}")


def canonical_text(value: Any) -> str:
    out: list = []
    _serialize(value, out)
    return "".join(out)


def canonical(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes of a JSON value."""
    return canonical_text(value).encode("utf-8")


def sign_bytes(envelope: dict) -> bytes:
    """The bytes an Ed25519 signature covers: JCS of the envelope without "sig"."""
    return canonical({k: v for k, v in envelope.items() if k != "sig"})


# ---------------------------------------------------------------------------
# Ed25519
# ---------------------------------------------------------------------------

def public_key_hex(seed_hex: str) -> str:
    return nacl.signing.SigningKey(bytes.fromhex(seed_hex)).verify_key.encode().hex()


def sign(envelope: dict, seed_hex: str) -> dict:
    """Return a copy of envelope with "sig" set (the envelope's sender must match the seed)."""
    key = nacl.signing.SigningKey(bytes.fromhex(seed_hex))
    signed = dict(envelope)
    signed.pop("sig", None)
    signed["sig"] = key.sign(sign_bytes(signed)).signature.hex()
    return signed


def verify_signature(envelope: dict) -> bool:
    try:
        key = nacl.signing.VerifyKey(bytes.fromhex(envelope["sender"]))
        key.verify(sign_bytes(envelope), bytes.fromhex(envelope["sig"]))
        return True
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError):
        return False


def encode(envelope: dict) -> bytes:
    """The wire form a sender emits: JCS of the full envelope, sig included."""
    return canonical(envelope)


def new_id() -> str:
    return os.urandom(16).hex()


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------

def _is_integer(_checker, instance) -> bool:
    # strata/1: an integer is a JSON integer literal; 1.0 or 1e3 are numbers, not integers.
    return isinstance(instance, int) and not isinstance(instance, bool)


_DOLLAR = re.compile(r"(?<!\\)\$")


def _ecma_pattern(validator, pattern, instance, schema):
    # JSON Schema patterns are ECMA-262: "$" matches only at the end of input,
    # whereas Python's "$" also matches before a final newline. Translate to \Z.
    if not validator.is_type(instance, "string"):
        return
    if re.search(_DOLLAR.sub(r"\\Z", pattern), instance) is None:
        yield jsonschema.ValidationError(f"{instance[:80]!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    validators={"pattern": _ecma_pattern},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


def _load_schemas() -> dict:
    store = {}
    for name in sorted(os.listdir(SCHEMA_DIR)):
        if name.endswith(".schema.json"):
            with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
                schema = json.load(f)
            store[schema["$id"]] = schema
    return store


SCHEMAS = _load_schemas()
with open(TOPICS_PATH, encoding="utf-8") as _f:
    TOPICS: dict = json.load(_f)
KNOWN_TYPES = frozenset(TOPICS)


def validator_for(name: str):
    """A validator for schemas/<name>.schema.json, resolving $ref only from the local store."""
    schema = SCHEMAS[SCHEMA_BASE + name + ".schema.json"]
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=SCHEMAS)
    return _Validator(schema, resolver=resolver)


_VALIDATORS: dict = {}


def _validator(name: str):
    if name not in _VALIDATORS:
        _VALIDATORS[name] = validator_for(name)
    return _VALIDATORS[name]


def _first_error(name: str, instance: Any) -> Optional[str]:
    error = jsonschema.exceptions.best_match(_validator(name).iter_errors(instance))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message[:200]}"


# ---------------------------------------------------------------------------
# Semantic checks (what a schema cannot say)
# ---------------------------------------------------------------------------

def check_model(model: dict) -> Optional[str]:
    """ModelParameters: data decodes to count*4 bytes, is canonical base64, SHA-256 matches."""
    try:
        raw = base64.b64decode(model["data"], validate=True)
    except (binascii.Error, ValueError):
        return "data is not base64"
    if base64.b64encode(raw).decode("ascii") != model["data"]:
        return "data is not canonical base64"
    if len(raw) != model["count"] * 4:
        return f"data holds {len(raw)} bytes, count*4 is {model['count'] * 4}"
    if hashlib.sha256(raw).hexdigest() != model["sha256"]:
        return "sha256 does not match data"
    return None


def model_parameters(values, layout: str) -> dict:
    """Build a ModelParameters object from a sequence of floats (Float32, little-endian)."""
    import struct
    raw = struct.pack(f"<{len(values)}f", *values)
    return {"layout": layout, "count": len(values), "dtype": "f32le",
            "sha256": hashlib.sha256(raw).hexdigest(), "data": base64.b64encode(raw).decode("ascii")}


def _semantic(envelope: dict, topic: Optional[str]) -> None:
    kind, body = envelope["type"], envelope["body"]
    if kind == "diag.model":
        problem = check_model(body["model"])
        if problem:
            raise WireError("invalid", f"body/model: {problem}")
    if kind == "consensus.submit":
        try:
            raw = base64.b64decode(body["payload"], validate=True)
        except (binascii.Error, ValueError):
            raise WireError("invalid", "body/payload: not base64")
        if base64.b64encode(raw).decode("ascii") != body["payload"]:
            raise WireError("invalid", "body/payload: not canonical base64")
        if not 1 <= len(raw) <= 1 << 20:
            raise WireError("invalid", f"body/payload: {len(raw)} bytes, 1 to {1 << 20} allowed")
    if kind == "consensus.status.ok":
        if body["replica"] >= body["members"] or body["primary"] >= body["members"]:
            raise WireError("invalid", "body: replica and primary must be below members")
    if kind == "node.heartbeat" and topic is not None:
        if topic != "node.heartbeat." + body["service"]:
            raise WireError("topic_mismatch", "topic suffix differs from body.service")


def _topic_ok(kind: str, topic: str) -> bool:
    if not (0 < len(topic) <= 255) or any(not (0x21 <= ord(c) <= 0x7E) for c in topic):
        return False
    pattern = TOPICS.get(kind)
    return pattern is not None and re.search(_DOLLAR.sub(r"\\Z", pattern), topic) is not None


# ---------------------------------------------------------------------------
# The boundary check
# ---------------------------------------------------------------------------

def validate(wire: bytes, context: Optional[dict] = None) -> dict:
    """Run the validation order of SPEC.md section 12. Returns the envelope or raises WireError.

    context keys (all optional): now_ms, max_bytes, freshness_ms, known_senders (None = any),
    last_seq ({sender_hex: int}), topic (the pub/sub topic frame, as text).
    """
    ctx = context or {}
    max_bytes = ctx.get("max_bytes", DEFAULT_MAX_BYTES)
    # 1 size
    if len(wire) > max_bytes:
        raise WireError("too_large", f"{len(wire)} bytes exceeds {max_bytes}")
    # 2 JSON
    envelope = parse(wire)
    if not isinstance(envelope, dict):
        raise WireError("malformed", "top level is not an object")
    # 3 envelope shape
    problem = _first_error("envelope", envelope)
    if problem:
        raise WireError("invalid", problem)
    # 4 version
    if envelope["proto"] != PROTO:
        raise WireError("unsupported_version", f"{envelope['proto']} is not {PROTO}")
    # 5 type
    kind = envelope["type"]
    if kind not in KNOWN_TYPES:
        raise WireError("unknown_type", f"unknown type {kind}")
    # 6 topic
    topic = ctx.get("topic")
    if topic is not None and not _topic_ok(kind, topic):
        raise WireError("topic_mismatch", f"topic {topic[:80]!r} does not carry {kind}")
    # 7 body
    problem = _first_error(kind, envelope)
    if problem:
        raise WireError("invalid", problem)
    _semantic(envelope, topic)
    # 8 sender
    sender = envelope["sender"]
    known = ctx.get("known_senders")
    if known is not None and sender not in known:
        raise WireError("unknown_sender", f"sender {sender[:16]} is not known")
    # 9 signature
    if not verify_signature(envelope):
        raise WireError("bad_signature", "signature does not verify")
    # 10 sequence
    last = ctx.get("last_seq", {}).get(sender)
    if last is not None and envelope["seq"] <= last:
        raise WireError("replayed", f"seq {envelope['seq']} <= last accepted {last}")
    # 11 freshness
    now_ms = ctx.get("now_ms")
    if now_ms is None:
        now_ms = int(time.time() * 1000)
    window = ctx.get("freshness_ms", DEFAULT_FRESHNESS_MS)
    if abs(now_ms - envelope["ts"]) > window:
        raise WireError("stale", f"ts is {now_ms - envelope['ts']} ms from now")
    return envelope


def check(wire: bytes, context: Optional[dict] = None) -> Optional[str]:
    """Return None when the message is accepted, else its error code."""
    try:
        validate(wire, context)
        return None
    except WireError as exc:
        return exc.code


def check_frames(frames: list, context: Optional[dict] = None) -> Optional[str]:
    """Pub/sub frames [topic, envelope]; the topic is passed into check()."""
    if len(frames) > 2:
        return "extra_frames"
    if len(frames) < 2:
        return "malformed"
    try:
        topic = bytes(frames[0]).decode("ascii")
    except UnicodeDecodeError:
        return "topic_mismatch"
    ctx = dict(context or {})
    ctx["topic"] = topic
    return check(bytes(frames[1]), ctx)


def request_id_for_error(wire: bytes) -> str:
    """The "re" of an error reply: the request's id if it can be read, else 32 zeros."""
    try:
        value = parse(wire)
    except WireError:
        return ZERO_ID
    rid = value.get("id") if isinstance(value, dict) else None
    if isinstance(rid, str) and re.fullmatch(r"[0-9a-f]{32}", rid):
        return rid
    return ZERO_ID


def main(argv: list) -> int:
    """CLI: strata_wire.py canonical|check < wire.json"""
    if len(argv) != 2 or argv[1] not in ("canonical", "check"):
        print("usage: strata_wire.py canonical|check < message.json", file=sys.stderr)
        return 2
    wire = sys.stdin.buffer.read().rstrip(b"\n")
    if argv[1] == "canonical":
        try:
            sys.stdout.write(sign_bytes(parse(wire)).decode("utf-8") + "\n")
        except WireError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    try:
        validate(wire, {"now_ms": None, "freshness_ms": 2**62})
    except WireError as exc:
        print(exc)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
