#!/usr/bin/env python3
"""Print the fixture resources of one SQL on FHIR test file as NDJSON, each resource's text
exactly as the file writes it (whitespace between tokens folded), for the harness run that
must not lose a decimal's written precision: the harness itself re-serializes the resources
with JSON.stringify, which writes 1.0 as 1.

Usage: verbatim_resources.py TESTS_DIR   (the test file's name comes from $SOF_TEST_FILE,
which run-tests.mjs sets for the command it runs)."""
import os
import sys


def skip_string(text, i):
    """Index just past the JSON string that starts at text[i] == '"'."""
    i += 1
    while text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def skip_value(text, i):
    """Index just past the JSON value that starts at text[i]."""
    if text[i] == '"':
        return skip_string(text, i)
    if text[i] not in "{[":
        while i < len(text) and text[i] not in ",]} \t\r\n":
            i += 1
        return i
    depth = 0
    while True:
        c = text[i]
        if c == '"':
            i = skip_string(text, i)
            continue
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def skip_space(text, i):
    while text[i] in " \t\r\n":
        i += 1
    return i


def resources(text):
    """The raw text of each element of the top-level object's "resources" array."""
    i = skip_space(text, 0)
    if text[i] != "{":
        raise ValueError("the test file is not a JSON object")
    i = skip_space(text, i + 1)
    while text[i] != "}":
        end = skip_string(text, i)
        key = text[i + 1 : end - 1]
        i = skip_space(text, skip_space(text, end) + 1)  # past ':'
        if key != "resources":
            i = skip_space(text, skip_value(text, i))
            if text[i] == ",":
                i = skip_space(text, i + 1)
            continue
        out = []
        i = skip_space(text, i + 1)  # past '['
        while text[i] != "]":
            end = skip_value(text, i)
            out.append(text[i:end])
            i = skip_space(text, end)
            if text[i] == ",":
                i = skip_space(text, i + 1)
        return out
    return []


def main():
    name = os.environ.get("SOF_TEST_FILE")
    if len(sys.argv) != 2 or not name:
        sys.exit("usage: SOF_TEST_FILE=NAME verbatim_resources.py TESTS_DIR")
    with open(os.path.join(sys.argv[1], name), encoding="utf-8") as f:
        text = f.read()
    for resource in resources(text):
        # JSON strings hold no raw line breaks, so folding them keeps the values.
        sys.stdout.write(resource.replace("\r", " ").replace("\n", " ") + "\n")


if __name__ == "__main__":
    main()
