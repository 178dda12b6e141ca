#!/usr/bin/env python3
"""Cross-model check: the FHIR and OMOP outputs of one run describe the same patients and
events, and every FHIR reference resolves within the output.

Per person: same identity (birth date, sex), and for each OMOP table below the number of
rows equals the number of FHIR items the rule sends to it.

  visit_occurrence   one row per Encounter.
  event tables       every FHIR item below is routed the way omop/write routes record
                     entries: its code (system -> vocabulary_id, code -> concept_code) is
                     looked up in omop/concept.csv; the standard concept is the concept
                     itself when standard_concept = 'S' and valid, else its valid 'Maps to'
                     target in omop/concept_relationship.csv when that is standard; the
                     item goes to the table of that concept's domain_id (Condition ->
                     condition_occurrence, Drug -> drug_exposure, Procedure ->
                     procedure_occurrence, Device -> device_exposure, Measurement ->
                     measurement, Observation -> observation), or, when there is no such
                     concept or its domain has none of these tables, to the item's default
                     table:
                       Condition (code)                        -> condition_occurrence
                       MedicationRequest (medicationCodeableConcept),
                       Immunization (vaccineCode)              -> drug_exposure
                       Procedure (code)                        -> procedure_occurrence
                       AllergyIntolerance (code)               -> observation
                       Device (type), SupplyDelivery
                       (suppliedItem.itemCodeableConcept)      -> device_exposure
                       Observation values                      -> measurement
                     An Observation gives one item for itself (its code) when it has a
                     value[x] or no components, plus one item per component (the
                     component's code). CarePlan, DiagnosticReport and ImagingStudy have no
                     OMOP rows (a report's results are Observations, counted as such).

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


# OMOP event table -> the name printed for it.
EVENT_TABLES = {
    "condition_occurrence": "conditions",
    "drug_exposure": "drugs",
    "procedure_occurrence": "procedures",
    "device_exposure": "devices",
    "measurement": "measurements",
    "observation": "observations",
}
DOMAIN_TABLES = {
    "Condition": "condition_occurrence",
    "Drug": "drug_exposure",
    "Procedure": "procedure_occurrence",
    "Device": "device_exposure",
    "Measurement": "measurement",
    "Observation": "observation",
}
VOCABULARIES = {
    "http://snomed.info/sct": "SNOMED",
    "http://loinc.org": "LOINC",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
    "http://hl7.org/fhir/sid/cvx": "CVX",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD10CM",
    "http://unitsofmeasure.org": "UCUM",
}


def coding(concept):
    """(system, code) of a CodeableConcept's first coding."""
    c = (concept or {}).get("coding", [{}])[0]
    return c.get("system", ""), c.get("code", "")


def observation_codes(o):
    if any(k.startswith("value") for k in o) or not o.get("component"):
        yield coding(o.get("code"))
    for c in o.get("component", []):
        yield coding(c.get("code"))


# (resource type, default table, codes of one resource, key of the patient reference)
ROUTED = [
    ("Observation", "measurement", observation_codes, "subject"),
    ("Condition", "condition_occurrence", lambda r: [coding(r.get("code"))], "subject"),
    ("MedicationRequest", "drug_exposure",
     lambda r: [coding(r.get("medicationCodeableConcept"))], "subject"),
    ("Immunization", "drug_exposure", lambda r: [coding(r.get("vaccineCode"))], "patient"),
    ("Procedure", "procedure_occurrence", lambda r: [coding(r.get("code"))], "subject"),
    ("AllergyIntolerance", "observation", lambda r: [coding(r.get("code"))], "patient"),
    ("Device", "device_exposure", lambda r: [coding(r.get("type"))], "patient"),
    ("SupplyDelivery", "device_exposure",
     lambda r: [coding(r.get("suppliedItem", {}).get("itemCodeableConcept"))], "patient"),
]


class Router:
    """The OMOP table a code goes to, from the run's own concept and concept_relationship."""

    def __init__(self, omop):
        self.concepts, self.by_code, self.maps_to = {}, {}, {}
        path = omop / "concept.csv"
        if path.exists():
            with path.open(newline="") as f:
                for r in csv.DictReader(f):
                    self.concepts[r["concept_id"]] = r
                    self.by_code[(r["vocabulary_id"], r["concept_code"])] = r["concept_id"]
        path = omop / "concept_relationship.csv"
        if path.exists():
            with path.open(newline="") as f:
                for r in csv.DictReader(f):
                    if r["relationship_id"] == "Maps to" and not r["invalid_reason"]:
                        self.maps_to.setdefault(r["concept_id_1"], r["concept_id_2"])

    def standard(self, concept_id):
        c = self.concepts.get(concept_id)
        if c is None:
            return None
        if c["standard_concept"] == "S" and not c["invalid_reason"]:
            return c
        target = self.concepts.get(self.maps_to.get(concept_id, ""))
        return target if target is not None and target["standard_concept"] == "S" else None

    def table(self, code, default):
        system, value = code
        source = self.by_code.get((VOCABULARIES.get(system, ""), value))
        target = self.standard(source) if source is not None else None
        if target is None:
            return default
        return DOMAIN_TABLES.get(target["domain_id"], default)


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
    router = Router(omop)
    expected = {table: Counter() for table in EVENT_TABLES}
    for resource_type, default, code_of, subject_key in ROUTED:
        for r in ndjson(fhir / f"{resource_type}.ndjson"):
            pid = ref_id(r[subject_key]["reference"])
            for code in code_of(r):
                expected[router.table(code, default)][pid] += 1

    def omop_counts(table):
        counts = Counter()
        path = omop / f"{table}.csv"
        if path.exists():
            with path.open(newline="") as f:
                for r in csv.DictReader(f):
                    counts[person_of.get(r["person_id"], "?" + r["person_id"])] += 1
        return counts

    checks = [("visits", fhir_visits, omop_counts("visit_occurrence"))]
    checks += [(EVENT_TABLES[t], expected[t], omop_counts(t)) for t in EVENT_TABLES]
    for name, fc, oc in checks:
        diff = [pid for pid in set(fc) | set(oc) if fc[pid] != oc[pid]]
        for pid in sorted(diff)[:5]:
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
