#!/usr/bin/env python3
"""Check that fos's own modules' codes get real OMOP concepts (not concept 0).

Usage: own_modules_vocab.py MODULES_DIR OMOP_DIR VOCAB_DIR
Every SNOMED/LOINC/RxNorm code in MODULES_DIR/*.json that appears as a source value in
condition_occurrence, drug_exposure, measurement, procedure_occurrence or observation of
OMOP_DIR (CSV) must have a non-zero concept id there, except the documented EXCEPTIONS;
and every RxNorm drug the modules prescribe (minus NO_INGREDIENT) must have Ingredient ancestors
in VOCAB_DIR (fos's vocab/) that appear in drug_era.
Prints counts per table; exits 1 with a listing when a check fails.
"""
import csv
import json
import pathlib
import sys

# Codes whose concept is 0 on purpose (see vocab/README.md). None today.
EXCEPTIONS = set()
# RxNorm drugs with no Ingredient ancestry in the vocabulary subsets (no drug_era rows).
NO_INGREDIENT = {"860975", "200033", "312938", "313988"}
TABLES = {
    "condition_occurrence": ("condition_concept_id", "condition_source_value"),
    "drug_exposure": ("drug_concept_id", "drug_source_value"),
    "measurement": ("measurement_concept_id", "measurement_source_value"),
    "procedure_occurrence": ("procedure_concept_id", "procedure_source_value"),
    "observation": ("observation_concept_id", "observation_source_value"),
}


def module_codes(folder):
    codes, drugs = set(), set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("system") in ("SNOMED-CT", "LOINC", "RxNorm") and "code" in node:
                codes.add(str(node["code"]))
                if node["system"] == "RxNorm":
                    drugs.add(str(node["code"]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in sorted(pathlib.Path(folder).glob("*.json")):
        walk(json.loads(path.read_text()))
    return codes, drugs


def ingredients(vocab):
    """Drug concept id -> its Ingredient ancestor concept ids (vocab/CONCEPT_ANCESTOR.csv)."""
    out = {}
    with open(pathlib.Path(vocab) / "CONCEPT_ANCESTOR.csv", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["ancestor_concept_id"] != row["descendant_concept_id"]:
                out.setdefault(row["descendant_concept_id"], set()).add(row["ancestor_concept_id"])
    return out


def main(modules, omop, vocab):
    codes, drugs = module_codes(modules)
    problems, seen = [], set()
    drug_concepts = {}
    for table, (concept, source) in TABLES.items():
        total = zero = 0
        with open(pathlib.Path(omop) / f"{table}.csv", newline="") as f:
            for row in csv.DictReader(f):
                code = row[source]
                if code not in codes:
                    continue
                total += 1
                seen.add(code)
                if table == "drug_exposure":
                    drug_concepts[code] = row[concept]
                if row[concept] == "0" and code not in EXCEPTIONS:
                    zero += 1
                    problems.append(f"{table}: {code} has concept 0")
        print(f"{table}: {total} rows from fos's modules, {zero} with concept 0")
    with open(pathlib.Path(omop) / "drug_era.csv", newline="") as f:
        era_ingredients = {row["drug_concept_id"] for row in csv.DictReader(f)}
    print(f"drug_era: {len(era_ingredients)} ingredients")
    ancestry = ingredients(vocab)
    for code, concept in sorted(drug_concepts.items()):
        if code in NO_INGREDIENT:
            continue
        if not ancestry.get(concept):
            problems.append(f"RxNorm {code} (concept {concept}): no Ingredient ancestor")
        for ingredient in sorted(ancestry.get(concept, ())):
            if ingredient not in era_ingredients:
                problems.append(f"RxNorm {code}: ingredient {ingredient} has no drug_era row")
    if not seen:
        problems.append("no rows carry codes of fos's modules")
    if not era_ingredients:
        problems.append("drug_era is empty")
    for line in sorted(set(problems))[:40]:
        print("FAIL: " + line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
