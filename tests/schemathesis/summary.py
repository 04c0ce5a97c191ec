"""Fails unless every operation of the OpenAPI document answered at least one 2xx.

Usage: python summary.py <openapi.json> <summary.json written by hooks.py>
"""

from __future__ import annotations

import json
import sys

# Operations that no client of the gateway can make succeed, and why.
EXEMPT = {
    "POST /v1/channels/{channel}/notifications": "only the payment channel holds the key that signs its notifications",
    # schemathesis loads the document from it and does not test it as an operation; the run
    # script fetched it (curl -f) before starting.
    "GET /openapi.json": "the document schemathesis loads; fetched by scripts/schemathesis.sh",
}


def main(document_path: str, summary_path: str) -> int:
    with open(document_path, encoding="utf-8") as document_file:
        document = json.load(document_file)
    with open(summary_path, encoding="utf-8") as summary_file:
        summary = json.load(summary_file)
    operations = sorted(
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    )
    missing = []
    calls = 0
    for operation in operations:
        counts = summary.get(operation, {})
        calls += sum(counts.values())
        ok = sum(n for status, n in counts.items() if status.startswith("2"))
        errors = sum(n for status, n in counts.items() if status.startswith("5"))
        shown = ", ".join(f"{status}×{n}" for status, n in sorted(counts.items())) or "no call"
        note = f"  (exempt: {EXEMPT[operation]})" if operation in EXEMPT else ""
        print(f"  {operation:<52} {shown}{note}")
        if ok == 0 and operation not in EXEMPT:
            missing.append(operation)
        if errors and operation not in EXEMPT:
            print(f"    ^ answered 5xx {errors} time(s)")
    print(f"schemathesis summary: {len(operations)} operations, {calls} calls")
    for operation in missing:
        print(f"no 2xx answer: {operation}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
