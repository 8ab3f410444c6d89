"""Run the DfE SSDA903 validation rules, as coded in csc-validator-be-903 (ruleset lac2025_26),
over a Header and an OC3 table in the 903 CSV layout.

    python tools/ssda903_validate.py DIR [--year 2026] [--authority E09000003]

DIR holds header.csv and oc3.csv. Prints one JSON object per failure
({"child", "rule", "table", "column", "message"}) and exits 1 if there is any, 0 if there is
none, and 2 if the validator could not run (a file it did not recognise, say).
"""

import argparse
import importlib
import json
import logging
import os
import sys
import warnings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--year", default="2026")
    parser.add_argument("--authority", default="E09000003")
    parser.add_argument("--ruleset", default="lac2025_26")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")

    from lac_validator import lac_validator
    from lac_validator.report import Report
    from lac_validator.utils import process_uploaded_files

    files = process_uploaded_files(
        {"This year": [os.path.join(args.dir, "header.csv"), os.path.join(args.dir, "oc3.csv")]}
    )
    registry = importlib.import_module(f"lac_validator.rules.{args.ruleset}").registry
    v = lac_validator.LacValidator(
        metadata={"collectionYear": args.year, "localAuthority": args.authority},
        files=files,
        registry=registry,
        selected_rules=None,
    )
    tables = [t for t in v.ds_results if t != "metadata"]
    if sorted(tables) != ["Header", "OC3"]:
        print(f"expected the Header and OC3 tables, read {sorted(tables)}", file=sys.stderr)
        return 2
    report = Report(v.ds_results, registry)
    if len(report.error_report) == 0:
        return 0
    issues = lac_validator.create_issue_df(report.report, report.error_report)
    seen = set()
    for _, row in issues.iterrows():
        key = (str(row["child_id"]), str(row["rule_code"]))
        if key in seen:
            continue
        seen.add(key)
        print(
            json.dumps(
                {
                    "child": key[0],
                    "rule": key[1],
                    "table": str(row["tables_affected"]),
                    "column": str(row["columns_affected"]),
                    "message": str(row["rule_description"]),
                }
            )
        )
    return 1 if seen else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # the validator itself failed: never a pass
        print(f"the validator failed: {e!r}", file=sys.stderr)
        sys.exit(2)
