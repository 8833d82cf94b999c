"""Golden-vector tests of the strata/1 wire contract.

Run from the repository root with Debian's Python:
    /usr/bin/python3 -m unittest discover -s proto-schemas/tests -v
"""

from __future__ import annotations

import base64
import filecmp
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOOLS = os.path.join(ROOT, "tools")
GOLDEN = os.path.join(ROOT, "golden")
sys.path.insert(0, TOOLS)

import jsonschema  # noqa: E402
import strata_wire as w  # noqa: E402

with open(os.path.join(GOLDEN, "keys.json"), encoding="utf-8") as _f:
    KEYS = json.load(_f)


def load(kind: str) -> dict:
    examples = {}
    for path in sorted(glob.glob(os.path.join(GOLDEN, kind, "*.json"))):
        with open(path, encoding="utf-8") as f:
            examples[os.path.basename(path)] = json.load(f)
    return examples


def wire_bytes(example: dict) -> bytes:
    if "wire_base64" in example:
        return base64.b64decode(example["wire_base64"])
    return example["wire"].encode("utf-8")


VALID = load("valid")
INVALID = load("invalid")


class ValidExamples(unittest.TestCase):
    def test_there_are_valid_examples(self):
        self.assertGreaterEqual(len(VALID), 10)

    def test_each_passes_its_schema(self):
        for name, example in VALID.items():
            with self.subTest(name):
                envelope = w.parse(wire_bytes(example))
                w.validator_for("envelope").validate(envelope)
                w.validator_for(envelope["type"]).validate(envelope)

    def test_each_canonicalizes_to_its_canonical_string(self):
        for name, example in VALID.items():
            with self.subTest(name):
                envelope = w.parse(wire_bytes(example))
                self.assertEqual(w.sign_bytes(envelope).decode("utf-8"), example["canonical"])

    def test_each_verifies_with_its_signer(self):
        for name, example in VALID.items():
            with self.subTest(name):
                envelope = w.parse(wire_bytes(example))
                self.assertEqual(envelope["sender"], KEYS[example["signer"]]["public"])
                self.assertTrue(w.verify_signature(envelope))

    def test_each_is_accepted_in_its_context(self):
        for name, example in VALID.items():
            with self.subTest(name):
                self.assertIsNone(w.check(wire_bytes(example), example["context"]))

    def test_signing_again_gives_the_same_signature(self):
        for name, example in VALID.items():
            with self.subTest(name):
                envelope = w.parse(wire_bytes(example))
                again = w.sign(envelope, KEYS[example["signer"]]["seed"])
                self.assertEqual(again["sig"], envelope["sig"])

    def test_canonical_wire_is_what_senders_emit(self):
        # Where the wire is canonical, it equals JCS of the full envelope (sig included).
        for name, example in VALID.items():
            envelope = w.parse(wire_bytes(example))
            if example["wire"] == w.canonical_text(envelope):
                self.assertEqual(w.encode(envelope), wire_bytes(example))
        noncanonical = [n for n, e in VALID.items() if e["wire"] != w.canonical_text(w.parse(wire_bytes(e)))]
        self.assertGreaterEqual(len(noncanonical), 2, noncanonical)


class InvalidExamples(unittest.TestCase):
    def test_each_gets_exactly_its_code(self):
        for name, example in INVALID.items():
            with self.subTest(name):
                self.assertIn(example["expect"], w.ERROR_CODES)
                self.assertEqual(w.check(wire_bytes(example), example["context"]), example["expect"])

    def test_file_name_starts_with_the_code(self):
        for name, example in INVALID.items():
            self.assertTrue(name.startswith(example["expect"] + "--"), name)

    def test_every_message_code_is_covered(self):
        covered = {e["expect"] for e in INVALID.values()}
        message_codes = set(w.ERROR_CODES) - {"extra_frames", "internal", "unavailable"}
        self.assertEqual(message_codes - covered, set())

    def test_schema_alone_rejects_every_shape_and_body_case(self):
        # The schemas are usable without strata_wire's semantic checks for all non-semantic "invalid" cases.
        for name, example in INVALID.items():
            if example["expect"] != "invalid" or "model-sha256" in name or "count-mismatch" in name \
                    or "base64-noncanonical" in name:
                continue
            with self.subTest(name):
                envelope = w.parse(wire_bytes(example))
                schema = envelope.get("type") if envelope.get("type") in w.KNOWN_TYPES else "envelope"
                errors = list(w.validator_for("envelope").iter_errors(envelope))
                errors += list(w.validator_for(schema).iter_errors(envelope))
                self.assertTrue(errors)


class NumberFormatting(unittest.TestCase):
    CASES = [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-1.0, "-1"), (0.1, "0.1"), (0.5, "0.5"),
        (1e-7, "1e-7"), (1e-6, "0.000001"), (1.5e-6, "0.0000015"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (123.456, "123.456"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (333333333.33333329, "333333333.3333333"), (4.35, "4.35"), (0.002, "0.002"), (1e23, "1e+23"),
        (1.2345e-7, "1.2345e-7"), (2.5e25, "2.5e+25"), (-1e-7, "-1e-7"), (100.0, "100"),
        (9007199254740991, "9007199254740991"), (-9007199254740991, "-9007199254740991"), (0, "0"),
        (295147905179352830000.0, "295147905179352830000"), (1.0000000000000002, "1.0000000000000002"),
    ]

    def test_ecmascript_number_to_string(self):
        for value, text in self.CASES:
            with self.subTest(value=value):
                self.assertEqual(w.format_number(value), text)

    def test_non_finite_and_unsafe_numbers_have_no_form(self):
        for value in (float("nan"), float("inf"), float("-inf"), 2**53, -(2**53)):
            with self.subTest(value=value):
                with self.assertRaises(ValueError):
                    w.format_number(value)

    def test_parsed_numbers_round_trip(self):
        for value, text in self.CASES:
            if isinstance(value, float) and text.lstrip("-").isdigit() and abs(value) > w.MAX_SAFE_INTEGER:
                continue  # integer-looking beyond 2^53: malformed on the wire (SPEC 8.3)
            with self.subTest(text=text):
                self.assertEqual(w.canonical_text(w.parse(text.encode())), text)


class Canonicalization(unittest.TestCase):
    def test_keys_sort_by_utf16_code_units(self):
        # U+1F600 is D83D DE00 in UTF-16 and sorts before U+FB01, although its code point is larger.
        self.assertEqual(w.canonical_text({"\ufb01": 1, "\U0001F600": 2, "b": 3, "a": 4, "": 5}),
                         '{"":5,"a":4,"b":3,"\U0001F600":2,"\ufb01":1}')

    def test_string_escapes(self):
        self.assertEqual(w.canonical_text("\"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028é"),
                         '"\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u2028é"')

    def test_whitespace_and_literals(self):
        self.assertEqual(w.canonical_text(w.parse(b' { "b" : [ true , false , null ] , "a" : { } } ')),
                         '{"a":{},"b":[true,false,null]}')


class Repository(unittest.TestCase):
    def test_every_type_has_a_schema_and_a_valid_example(self):
        types = {w.parse(wire_bytes(e))["type"] for e in VALID.values()}
        for kind in w.TOPICS:
            with self.subTest(kind):
                self.assertTrue(os.path.exists(os.path.join(ROOT, "schemas", kind + ".schema.json")))
                self.assertIn(kind, types)

    def test_schemas_are_valid_draft_2020_12(self):
        for schema in w.SCHEMAS.values():
            with self.subTest(schema["$id"]):
                jsonschema.Draft202012Validator.check_schema(schema)
                self.assertEqual(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")

    def test_test_keys_match_their_seeds(self):
        for name in ("alice", "bob"):
            self.assertEqual(w.public_key_hex(KEYS[name]["seed"]), KEYS[name]["public"])

    def test_generator_is_reproducible(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, os.path.join(TOOLS, "make_golden.py"), "--out", out], check=True)
            for kind in ("valid", "invalid"):
                mine = sorted(os.listdir(os.path.join(GOLDEN, kind)))
                fresh = sorted(os.listdir(os.path.join(out, kind)))
                self.assertEqual(mine, fresh)
                match, mismatch, errors = filecmp.cmpfiles(os.path.join(GOLDEN, kind), os.path.join(out, kind),
                                                           fresh, shallow=False)
                self.assertEqual((mismatch, errors), ([], []))

    def test_spec_carries_the_worked_example(self):
        with open(os.path.join(ROOT, "SPEC.md"), encoding="utf-8") as f:
            spec = f.read()
        example = VALID["diag-echo.json"]
        self.assertIn(example["canonical"], spec)
        self.assertIn(w.parse(wire_bytes(example))["sig"], spec)

    def test_spec_lists_every_error_code_and_type(self):
        with open(os.path.join(ROOT, "SPEC.md"), encoding="utf-8") as f:
            spec = f.read()
        for name in list(w.ERROR_CODES) + list(w.TOPICS):
            self.assertIn(f"`{name}`", spec)


class Frames(unittest.TestCase):
    def test_pubsub_frames(self):
        example = VALID["diag-note.json"]
        ctx = dict(example["context"])
        ctx.pop("topic")
        wire = wire_bytes(example)
        self.assertIsNone(w.check_frames([b"diag.note", wire], ctx))
        self.assertEqual(w.check_frames([b"diag.note", wire, b""], ctx), "extra_frames")
        self.assertEqual(w.check_frames([wire], ctx), "malformed")
        self.assertEqual(w.check_frames([b"diag.n\xffote", wire], ctx), "topic_mismatch")
        self.assertEqual(w.check_frames([b"diag.model", wire], ctx), "topic_mismatch")

    def test_error_reply_re(self):
        example = VALID["diag-echo.json"]
        self.assertEqual(w.request_id_for_error(wire_bytes(example)), w.parse(wire_bytes(example))["id"])
        self.assertEqual(w.request_id_for_error(b"{"), w.ZERO_ID)
        self.assertEqual(w.request_id_for_error(b'{"id":"XYZ"}'), w.ZERO_ID)


if __name__ == "__main__":
    unittest.main()
