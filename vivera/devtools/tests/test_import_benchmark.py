from __future__ import annotations

import pytest
from django.core.management import call_command

from vivera.imports.models import ImportedRecord, ImportRun
from vivera.organisation.models import Municipality
from vivera.registration.models import Client, Dossier
from vivera.registration.tests.life_cycle import assert_follows_the_life_cycle, histories

pytestmark = pytest.mark.django_db


def test_the_benchmark_imports_its_files_and_leaves_nothing_behind(capsys):
    call_command("import_benchmark", "--rijen", "1000", "--deze-database")
    out = capsys.readouterr().out
    assert "150 cliënten, 150 dossiers" in out
    assert "Alles is teruggedraaid" in out
    assert not Municipality.objects.filter(cbs_code="GM8990").exists()
    assert not Client.objects.exists() and not ImportRun.objects.exists()
    assert not ImportedRecord.objects.exists()


def test_the_synthetic_dossiers_follow_the_life_cycle(tmp_path):
    from vivera.devtools.benchmarks import imports as bench
    from vivera.imports.services import import_run, read_paths

    admin = bench.setup_municipality()
    bench.write_files(tmp_path, 2000)
    tables, unreadable = read_paths([tmp_path])
    result = import_run(
        user=admin,
        municipality=admin.municipality,
        tables=tables,
        mode="all",
        read_problems=unreadable,
    )
    assert result.problems == []
    dossiers = list(Dossier.objects.all())
    assert len(dossiers) == 300
    history = histories(dossiers)
    for dossier in dossiers:
        assert_follows_the_life_cycle(dossier, history[dossier.pk])
