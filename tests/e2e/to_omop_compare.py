#!/usr/bin/env python3
"""Compare fos's direct OMOP CSV output with `fos to-omop` output of the same run's FHIR.

Every table must hold the same rows after sorting, except for the deliberate differences
listed in docs/fhir2omop.md, encoded here and nowhere else:

1. provider_id: to-omop numbers providers by a stable hash of the FHIR Practitioner id
   (the generator's natural key is not in the FHIR). Every provider_id column is compared
   through provider.provider_source_value (the Practitioner id) instead.
2. person.birth_datetime: FHIR Patient.birthDate has no time; to-omop writes midnight.
   Compared by date only.
3. cdm_source.cdm_source_name: "fos to-omop" instead of the generator's name.

Usage: to_omop_compare.py DIRECT_OMOP_DIR CONVERTED_OMOP_DIR. Exit 1 on a difference.
"""
import csv
import pathlib
import sys


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def provider_names(folder):
    header, rows = read(folder / "provider.csv")
    i, s = header.index("provider_id"), header.index("provider_source_value")
    return {r[i]: r[s] for r in rows}


def normalize(table, header, rows, providers):
    out = []
    for r in rows:
        r = list(r)
        for k, name in enumerate(header):
            if name == "provider_id" and r[k]:
                r[k] = providers.get(r[k], "unknown provider " + r[k])
            if table == "person" and name == "birth_datetime":
                r[k] = r[k][:10]
            if table == "cdm_source" and name == "cdm_source_name":
                r[k] = "<source name>"
        out.append(r)
    return sorted(out)


def main():
    direct, converted = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    names = sorted(p.name for p in direct.glob("*.csv"))
    # The crosswalk is to-omop's own table (FHIR id -> OMOP row), not part of the CDM.
    other = sorted(p.name for p in converted.glob("*.csv") if p.name != "fhir_omop_crosswalk.csv")
    if names != other:
        print(f"table sets differ: {set(names) ^ set(other)}")
        return 1
    pd, pc = provider_names(direct), provider_names(converted)
    bad = 0
    for name in names:
        table = name[:-4]
        hd, rd = read(direct / name)
        hc, rc = read(converted / name)
        if hd != hc:
            print(f"{table}: headers differ")
            bad += 1
            continue
        a, b = normalize(table, hd, rd, pd), normalize(table, hc, rc, pc)
        if a != b:
            only_a = [r for r in a if r not in b][:3]
            only_b = [r for r in b if r not in a][:3]
            print(f"{table}: {len(a)} vs {len(b)} rows; direct only {only_a}; converted only {only_b}")
            bad += 1
    print(f"{len(names)} tables compared, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
