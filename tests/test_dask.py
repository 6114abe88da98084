"""``ical-verify run --dask tcp://HOST:PORT`` on a Dask cluster started here (loopback only, 2 worker processes of
one thread, no dashboard): the same results as a local run, and the same reports."""

import json

import pytest

from ical_verify.proofs_check.cli import main
from ical_verify.proofs_check.parallel import run_claims
from synthetic_papers import QUIET, synthetic  # noqa: F401  (fixture)
from test_parallel import without_timings

distributed = pytest.importorskip("distributed", reason="dask.distributed not installed (pip install 'ical-verify[dask]')")


@pytest.fixture(scope="module")
def cluster():
    import sys
    from pathlib import Path

    tests = str(Path(__file__).parent)
    if tests not in sys.path:  # the workers import synthetic_papers from here
        sys.path.insert(0, tests)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as c:
        yield c.scheduler_address


def test_dask_results_match_a_local_run(synthetic, cluster, tmp_path):
    ids = QUIET + ["boom"]
    local = run_claims(ids, jobs=1, out_dir=tmp_path, seed=2)
    remote = run_claims(ids, dask=cluster, out_dir=tmp_path, seed=2)
    assert remote.where == f"dask {cluster}"
    assert [without_timings(r.to_json()) for r in remote.results] == \
        [without_timings(r.to_json()) for r in local.results]
    assert sorted(remote.files) == sorted(local.files)   # figures come back as bytes from the workers


def test_cli_run_dask_writes_the_reports(synthetic, cluster, tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path / "d"), "--claims", ",".join(QUIET), "--dask", cluster]) == 0
    assert main(["run", "--out", str(tmp_path / "l"), "--claims", ",".join(QUIET), "--jobs", "1"]) == 0
    d = json.loads((tmp_path / "d" / "results.json").read_text().replace(str(tmp_path / "d"), "OUT"))
    lo = json.loads((tmp_path / "l" / "results.json").read_text().replace(str(tmp_path / "l"), "OUT"))
    assert without_timings(d) == without_timings(lo)
    assert (tmp_path / "d" / "report.html").exists() and (tmp_path / "d" / "figures" / "alpha-draws-seed0.png").exists()
    assert "dask tcp://127.0.0.1" in capsys.readouterr().out


def test_unreachable_scheduler_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    import socket

    from ical_verify.proofs_check import parallel

    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", "2s")

    with socket.socket() as s:           # a free loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["run", "--out", str(tmp_path / "o"), "--claims", "lemma3", "--dask", f"tcp://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--dask tcp://127.0.0.1:{port}: no Dask scheduler answers there" in err[0]
    assert not (tmp_path / "o").exists()
