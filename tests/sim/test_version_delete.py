"""Deleting an image version (updates: delete): refused while a VM's disk is being created from it,
otherwise `latest` moves to the previous version and requests naming it fail. Hand-computed on
one replica of one slot (disk 15.5 s, boot 40 s: tests.sim.engine_cases)."""

from __future__ import annotations

import copy

from acgsim.reports import html as html_report
from acgsim.reports import tables
from acgsim.sim.engine import simulate

from ..helpers import build, problems
from ..sim.engine_cases import one_region


def _two_versions(*deletes: str) -> dict:
    data = one_region(count=3)
    versions = data["galleries"][0]["images"][0]["versions"]
    versions.append({**copy.deepcopy(versions[0]), "name": "1.1.0"})
    later = {"region": "westeurope", "subscription": "apps", "at": "1100s", "count": 1}
    data["workload"]["vms"] += [
        {**later, "image": "gal/web/latest", "name": "after"},
        {**later, "image": "gal/web/1.1.0", "name": "named"},
    ]
    data["updates"] = [{"at": at, "version": "gal/web/1.1.0", "delete": True} for at in deletes]
    return data


def test_a_delete_is_refused_while_a_disk_is_created_from_the_version_then_passes():
    # 3 VMs at 1000 s take `latest` = 1.1.0, one at a time: disks 1000-1015.5, 1015.5-1031,
    # 1031-1046.5, running at 1055.5, 1071, 1086.5. At 1010 s the first one's disk is being
    # created: the delete is refused (the two queued behind it do not count). At 1050 s every
    # disk exists (the third VM still boots, but no longer needs the image): the delete passes.
    # At 1100 s `latest` is 1.0.0 again (running at 1155.5) and naming 1.1.0 fails.
    result = simulate(build(_two_versions("1010s", "1050s"), replica_concurrency=1), trace=True)
    refused, deleted = result.deletions
    assert refused == {
        "at_s": 1010.0,
        "version": "gal/web/1.1.0",
        "outcome": "refused",
        "error": "DeleteWhileProvisioning",
        "vms": 1,
        "message": "Operation 'Image Delete' is not allowed since the Virtual Machines "
        "'request 1' are being provisioned using the Image 'gal/web/1.1.0'.",
    }
    assert deleted == {
        "at_s": 1050.0,
        "version": "gal/web/1.1.0",
        "outcome": "deleted",
        "error": None,
        "vms": 0,
        "message": None,
    }
    rows = {r["id"]: r for r in result.records}
    assert [(rows[i]["version"], rows[i]["finished"]) for i in (1, 2, 3)] == [
        ("gal/web/1.1.0", 1055.5),
        ("gal/web/1.1.0", 1071.0),
        ("gal/web/1.1.0", 1086.5),
    ]
    after = next(r for r in rows.values() if r["wave"] == "after")
    named = next(r for r in rows.values() if r["wave"] == "named")
    assert (after["outcome"], after["version"], after["finished"]) == (
        "succeeded",
        "gal/web/1.0.0",
        1155.5,
    )
    assert (named["outcome"], named["error"], named["finished"]) == (
        "failed",
        "VersionDeleted",
        1100.0,
    )
    assert result.overall.failed_by_code == {"VersionDeleted": 1}


def test_a_refused_delete_changes_nothing():
    data = _two_versions("1010s")
    data["workload"]["vms"] = data["workload"]["vms"][:1]
    deleting = simulate(build(data, replica_concurrency=1))
    data.pop("updates")
    plain = simulate(build(data, replica_concurrency=1))
    assert [d["outcome"] for d in deleting.deletions] == ["refused"]
    assert deleting.overall == plain.overall and plain.deletions is None
    assert '"deletions"' not in plain.to_json()


def test_a_delete_with_other_changes_is_refused_by_validation():
    data = _two_versions("1050s")
    data["updates"][0]["add_regions"] = ["northeurope"]
    assert any("cannot also add, remove or resize" in str(p) for p in problems(data))


def test_the_html_report_tells_each_delete(tmp_path):
    result = simulate(build(_two_versions("1010s", "1050s"), replica_concurrency=1))
    html_report.run_report(result, tmp_path)
    md = (tmp_path / "report.md").read_text()
    assert "gal/web/1.1.0 was not deleted: Operation 'Image Delete' is not allowed" in md
    assert "gal/web/1.1.0 was deleted" in md


def test_the_console_tells_each_delete(capsys):
    tables.print_run(simulate(build(_two_versions("1010s", "1050s"), replica_concurrency=1)))
    text = " ".join(capsys.readouterr().out.split())
    assert "At 16m50s gal/web/1.1.0 was not deleted: Operation 'Image Delete'" in text
    assert "At 17m30s gal/web/1.1.0 was deleted" in text
