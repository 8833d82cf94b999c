#!/usr/bin/env python3
"""Checks a strata.tx-proof/1 document from `strata ledger proof` with hashlib and json only
(plus PyNaCl, if installed, for the commit signatures). Usage: ledger_proof_check.py [FILE|-]
Exit 0 if the proof holds, 1 if not. The same snippet is in docs/ledger.md."""
import hashlib
import json
import sys


def sha256(data):
    return hashlib.sha256(data).digest()


def canonical(obj):
    # RFC 8785 for objects of strings and integers: sorted keys, no spaces, UTF-8.
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def check(proof):
    node = sha256(b"\x00" + bytes.fromhex(proof["transaction"]))
    for step in proof["siblings"]:
        sibling = bytes.fromhex(step["hash"])
        node = sha256(b"\x01" + sibling + node) if step["side"] == "left" else sha256(b"\x01" + node + sibling)
    header = proof["header"]
    return node.hex() == proof["merkleRoot"] == header["txRoot"] and sha256(canonical(header)).hex() == proof["blockHash"]


def valid_signatures(proof):
    from nacl.signing import VerifyKey  # Debian's python3-nacl
    header = proof["header"]
    vote = canonical({"block": proof["blockHash"], "chain": header["chain"], "height": header["height"], "type": "strata.commit/1"})
    count = 0
    for signature in proof["certificate"]["signatures"]:
        try:
            VerifyKey(bytes.fromhex(signature["member"])).verify(vote, bytes.fromhex(signature["sig"]))
            count += 1
        except Exception:
            return -1
    return count


if __name__ == "__main__":
    source = open(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "-" else sys.stdin
    document = json.load(source)
    if not check(document):
        print("proof FAILED: the path does not lead to the block's Merkle root, or the header hash differs")
        sys.exit(1)
    try:
        signatures = valid_signatures(document)
    except ImportError:
        print("proof OK (commit signatures not checked: PyNaCl is not installed)")
        sys.exit(0)
    if signatures < 0:
        print("proof FAILED: a commit signature does not verify")
        sys.exit(1)
    print(f"proof OK: leaf {document['leafIndex']} of {document['treeSize']} in block {document['height']} of {document['chain']}, "
          f"{signatures} valid commit signatures")
