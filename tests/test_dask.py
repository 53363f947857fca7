"""sj batch --scheduler: the same batch on a Dask cluster writes byte-identical outputs."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from distributed import LocalCluster

from conftest import SAMPLES
from shuangjian_parse.batch import MANIFEST
from shuangjian_parse.cli import main


def sj(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["sj", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    return exit_.value.code, capsys.readouterr().err


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", worker_dashboard_address=None) as cluster:
        yield cluster


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_dask_outputs_are_byte_identical_to_a_local_run(tmp_path, monkeypatch, capsys, cluster, fmt):
    src = tmp_path / "src"
    for i in range(4):                         # 20 notices in two levels, one bad file
        for sample in sorted(SAMPLES.glob("*.txt")):
            target = src / f"part{i % 2}" / f"c{i}" / sample.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sample, target)
    (src / "part0" / "empty.txt").write_bytes(b"")
    local, remote = tmp_path / "local", tmp_path / "dask"
    code, err = sj(monkeypatch, capsys, "batch", str(src), "-o", str(local), "-f", fmt, "-j", "2",
                   "--sqlite", str(tmp_path / "local.sqlite"))
    assert code == 1, err
    code, err = sj(monkeypatch, capsys, "batch", str(src), "-o", str(remote), "-f", fmt,
                   "--scheduler", cluster.scheduler_address, "--sqlite", str(tmp_path / "dask.sqlite"))
    assert code == 1, err
    assert "sj: error: part0/empty.txt: empty file" in err
    assert err.splitlines()[-1].startswith("sj batch: 21 notices: ") and " 1 failed, " in err
    assert files(remote) == files(local)
    assert len(files(remote)) == (20 if fmt == "json" else 21)   # jsonl: 20 parts + the file
    # the manifests list the same conversions (in the order they completed)
    def entries(out):
        return sorted(json.loads(line)["input"] for line in (out / MANIFEST).read_text().splitlines())
    assert entries(remote) == entries(local)

    import sqlite3

    def dump(path):
        db = sqlite3.connect(path)
        return list(db.iterdump())
    assert dump(tmp_path / "dask.sqlite") == dump(tmp_path / "local.sqlite")

    # a re-run on the cluster skips what is done
    code, err = sj(monkeypatch, capsys, "batch", str(src), "-o", str(remote), "-f", fmt,
                   "--scheduler", cluster.scheduler_address)
    assert code == 1 and " 1 failed, 20 unchanged;" in err


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path, monkeypatch, capsys):
    from shuangjian_parse.cluster import DaskPool

    monkeypatch.setattr(DaskPool, "connect_timeout", 1.0)
    code, err = sj(monkeypatch, capsys, "batch", str(SAMPLES), "-o", str(tmp_path / "out"),
                   "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and "Dask scheduler" in err
