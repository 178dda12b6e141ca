#!/usr/bin/env python3
"""Cross-model check (first version): the FHIR and OMOP outputs of one run describe the same
patients and events, and every FHIR reference resolves within the output. Per person: same identity, same visit count, same measurement count
(an Observation with a value gives one measurement; each component with a value gives one).

Usage: cross_model.py RUN_DIR   (RUN_DIR holds fhir/*.ndjson and omop/*.csv)
Exit 0 when they agree, 1 when they do not.
"""
import csv
import json
import sys
from collections import Counter
from pathlib import Path


def ndjson(path):
    if not path.exists():
        return
    with path.open() as f:
        for line in f:
            yield json.loads(line)


def ref_id(reference):
    return reference.split("/", 1)[1]


def references(value):
    """Every Reference.reference string inside a resource."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "reference" and isinstance(v, str):
                yield v
            else:
                yield from references(v)
    elif isinstance(value, list):
        for v in value:
            yield from references(v)


def check_references(fhir, problems):
    ids, refs = set(), []
    for path in sorted(fhir.glob("*.ndjson")):
        for r in ndjson(path):
            ids.add(f"{r['resourceType']}/{r['id']}")
            refs.extend(references(r))
    dangling = [r for r in refs if r not in ids]
    print(f"references: {len(refs)}, dangling {len(dangling)}")
    for r in dangling[:5]:
        problems.append(f"dangling reference {r}")


def main(run_dir):
    run = Path(run_dir)
    fhir, omop = run / "fhir", run / "omop"
    problems = []
    check_references(fhir, problems)

    patients = {p["id"]: p for p in ndjson(fhir / "Patient.ndjson")}
    with (omop / "person.csv").open(newline="") as f:
        persons = {r["person_source_value"]: r for r in csv.DictReader(f)}
    if set(patients) != set(persons):
        problems.append(f"persons differ: {len(patients)} FHIR patients, {len(persons)} OMOP persons, "
                        f"{len(set(patients) ^ set(persons))} unmatched")
    person_of = {r["person_id"]: src for src, r in persons.items()}
    for pid, p in patients.items():
        r = persons.get(pid)
        if r is None:
            continue
        if p["birthDate"] != r["birth_datetime"][:10]:
            problems.append(f"{pid}: birth {p['birthDate']} vs {r['birth_datetime']}")
        if {"female": "F", "male": "M"}[p["gender"]] != r["gender_source_value"]:
            problems.append(f"{pid}: gender {p['gender']} vs {r['gender_source_value']}")

    fhir_visits = Counter(ref_id(e["subject"]["reference"]) for e in ndjson(fhir / "Encounter.ndjson"))
    fhir_meas = Counter()
    for o in ndjson(fhir / "Observation.ndjson"):
        n = (1 if any(k.startswith("value") for k in o) else 0) + sum(
            1 for c in o.get("component", []) if any(k.startswith("value") for k in c))
        fhir_meas[ref_id(o["subject"]["reference"])] += n
    fhir_drugs = Counter(ref_id(i["patient"]["reference"]) for i in ndjson(fhir / "Immunization.ndjson"))

    def omop_counts(table):
        counts = Counter()
        path = omop / f"{table}.csv"
        if path.exists():
            with path.open(newline="") as f:
                for r in csv.DictReader(f):
                    counts[person_of.get(r["person_id"], "?" + r["person_id"])] += 1
        return counts

    for name, fc, oc in (("visits", fhir_visits, omop_counts("visit_occurrence")),
                         ("measurements", fhir_meas, omop_counts("measurement")),
                         ("immunizations", fhir_drugs, omop_counts("drug_exposure"))):
        diff = [pid for pid in set(fc) | set(oc) if fc[pid] != oc[pid]]
        for pid in diff[:5]:
            problems.append(f"{pid}: {name} FHIR {fc[pid]} vs OMOP {oc[pid]}")
        if len(diff) > 5:
            problems.append(f"... {len(diff) - 5} more persons with different {name}")
        print(f"{name}: FHIR {sum(fc.values())}, OMOP {sum(oc.values())}, persons differing {len(diff)}")

    print(f"persons: FHIR {len(patients)}, OMOP {len(persons)}")
    for p in problems:
        print("MISMATCH:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
