#!/usr/bin/python3
"""Converts the IAMA question list (task registry's iama.yaml) into iama.json, which the build embeds.

Run once when the source changes; the build itself needs neither Python nor YAML:
    src/algoritmeregister/iama-from-yaml.py ../shared/specs/algoritmeregister/iama/iama.yaml \
        > src/algoritmeregister/iama.json
Needs python3-yaml. The yaml carries no part titles; they come from the IAMA text (BZK 2021) below.
"""
import json
import re
import sys

import yaml

PARTS = [
    ("1", "Waarom? Beoogde effecten en doelen"),
    ("2A", "Wat? Input: data"),
    ("2B", "Wat? Throughput: algoritme"),
    ("3", "Hoe? Output: implementatie, gebruik en toezicht"),
    ("4", "Grondrechten"),
]


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    parts = {pid: [] for pid, _ in PARTS}
    for task in doc["tasks"]:
        urn = task["urn"]
        # The source writes one urn as "2.A.2.2"; the short number is always "<part>.<n>.<m>".
        number = re.sub(r"^2\.([AB])\.", r"2\1.", urn.rsplit(":", 1)[1])
        part = number.split(".")[0]
        topic = next((l["value"] for l in task.get("labels", []) if l.get("key") == "topic"), "")
        parts[part].append({
            "urn": urn,
            "number": number,
            "question": task["question"].strip(),
            "topic": topic,
            "suggested_roles": task.get("suggested_roles", []),
        })
    out = {
        "name": doc["name"],
        "urn": doc["urn"],
        "url": doc["url"],
        "origin": "MinBZK/task-registry instruments/iama.yaml (EUPL-1.2), commit "
                  "9d515be8a70b9e57b5eb38cecda86fe1a71a710d; converted by src/algoritmeregister/iama-from-yaml.py",
        "parts": [
            {"id": pid, "title": title, "may_be_not_applicable": pid != "1", "questions": parts[pid]}
            for pid, title in PARTS
        ],
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
