"""Cross-field rules on what happens over the run: the workload's waves (images they can use,
where and when), faults, updates of versions, client profiles and the start clock, each checked
against the galleries and the horizon of the scenario (sim.checks runs them with the rest).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from acgsim.sim import catalog, references
from acgsim.sim.client_profiles import CLIENT_NAMES
from acgsim.sim.errors import Problem, problem
from acgsim.sim.gallery_models import ImageVersion
from acgsim.sim.references import Path
from acgsim.sim.scenario import Scenario
from acgsim.sim.units import format_duration


def late(path: Path, what: str, at: float, horizon: float) -> Problem:
    return problem(
        path,
        "AfterHorizon",
        "warning",
        what=what,
        at=format_duration(at),
        horizon=format_duration(horizon),
    )


def check_start(s: Scenario, out: list[Problem]) -> None:
    """Clock time must reach past the horizon, with a day to spare for plot margins."""
    if s.start is None:
        return
    try:
        s.start + timedelta(seconds=s.horizon + 86400.0)
    except OverflowError:
        out.append(
            problem(
                ("start",),
                "StartTooLate",
                start=s.start.isoformat(),
                horizon=format_duration(s.horizon),
            )
        )


def check_clients(s: Scenario, out: list[Problem]) -> None:
    """Custom client names must not hide a built-in one; waves must name a known client."""
    for name in s.clients:
        if name in CLIENT_NAMES:
            out.append(problem(("clients", name), "ClientShadowed", value=name))
    allowed = ", ".join(s.client_names())
    for w in s.waves():
        name = w.wave.client
        if name is not None and name not in CLIENT_NAMES and name not in s.clients:
            path = ("workload", w.kind, w.index, "client")
            out.append(problem(path, "UnknownClient", value=name, allowed=allowed))


def _check_compatible(s: Scenario, w, wp: Path, versions: list[ImageVersion], out) -> None:
    """A wave whose VMs the image cannot serve (generation, security type), and end of life."""
    wave = w.wave
    found = s.find_image(*wave.image.split("/")[:2])
    if found is None:
        return
    d = found[1]
    image = "/".join(wave.image.split("/")[:2])
    if wave.generation is not None and wave.generation != d.hyperv_generation:
        out.append(
            problem(
                wp + ("generation",),
                "WaveGeneration",
                "warning",
                wave=wave.generation,
                image=image,
                image_generation=d.hyperv_generation,
                image_number=d.hyperv_generation[1:],
            )
        )
    serves = catalog.SECURITY_SERVES[d.security_type]
    if wave.security_type is not None and wave.security_type not in serves:
        out.append(
            problem(
                wp + ("security_type",),
                "WaveSecurityType",
                "warning",
                image=image,
                image_security=d.security_type,
                allowed=" or ".join(serves),
                security=wave.security_type,
            )
        )
    today = date.today()
    ended = [("image definition", image, d.end_of_life)]
    ended += [("image version", f"{image}/{v.name}", v.end_of_life) for v in versions]
    for what, name, when in ended:
        if when is not None and when <= today:
            out.append(
                problem(wp + ("image",), "EndOfLife", "warning", what=what, name=name, date=when)
            )


def check_workload(s: Scenario, out: list[Problem]) -> None:
    for w in s.waves():
        wave, wp = w.wave, ("workload", w.kind, w.index)
        references.known(s, wp + ("subscription",), wave.subscription, "subscription", out)
        versions = references.resolve(s, wp + ("image",), wave.image, out, allow_latest=True)
        if versions is not None:
            _check_servable(wave.image, wave.region, versions, wp, out, _added(s))
            _check_compatible(s, w, wp, versions, out)
        if wave.at >= s.horizon:
            out.append(late(wp + ("at",), "this wave", wave.at, s.horizon))
        else:
            _check_tail(s, w.kind, wave, wp, out)


def _check_tail(s: Scenario, kind: str, wave, wp: Path, out: list[Problem]) -> None:
    """A wave that starts before the horizon but sends requests after it (spread, duration)."""
    if kind == "arrivals":
        field, last = "duration", wave.at + wave.duration
    else:
        field, last = "spread", wave.at + wave.spread * (wave.count - 1) / wave.count
    if last > s.horizon:
        out.append(
            problem(
                wp + (field,),
                "PastHorizon",
                "warning",
                last=format_duration(last),
                horizon=format_duration(s.horizon),
                field=field,
            )
        )


def _added(s: Scenario) -> dict[int, set[str]]:
    """Regions each version (by id) gains from updates."""
    gained: dict[int, set[str]] = defaultdict(set)
    for u in s.updates:
        for x in s.versions():
            if x.ref == u.version:
                gained[id(x.version)] |= {t.region for t in u.add_regions}
    return gained


def _check_servable(
    ref: str,
    region: str,
    versions: list[ImageVersion],
    wp: Path,
    out: list[Problem],
    added: dict[int, set[str]] | None = None,
) -> None:
    """Warn where every request of a wave is bound to fail: a runtime failure, so not an error."""
    if ref.endswith("/latest"):
        versions = [v for v in versions if not _excluded(v, region)]
        if not versions:
            what = (
                f"every version of '{ref.rsplit('/', 1)[0]}' is excluded from latest in "
                f"'{region}' (or there is none): requests fail with 'There is no latest image "
                "version exists'"
            )
            out.append(problem(wp + ("image",), "NotTargeted", "warning", what=what))
            return
    targeted = {t.region for v in versions for t in v.regions}
    targeted |= {r for v in versions for r in (added or {}).get(id(v), set())}
    if region not in targeted:
        what = (
            f"no version that '{ref}' can mean replicates to '{region}': every request there "
            "fails as 'not available in region'"
        )
        out.append(problem(wp + ("region",), "NotTargeted", "warning", what=what))


def _excluded(v: ImageVersion, region: str) -> bool:
    target = next((t for t in v.regions if t.region == region), None)
    return v.excluded_in(target) if target is not None else v.exclude_from_latest


def check_faults(s: Scenario, out: list[Problem]) -> None:
    for fi, f in enumerate(s.faults):
        fp: Path = ("faults", fi)
        if f.kind == "zone_outage" and not catalog.REGIONS[f.region].has_zones:
            out.append(problem(fp + ("region",), "ZoneMissing", region=f.region))
        if f.kind == "replication_failure":
            if f.version is not None:
                versions = references.resolve(
                    s, fp + ("version",), f.version, out, allow_latest=False
                )
            else:
                versions = [x.version for x in s.versions()]
            gained, regions = _added(s), set()
            for v in versions or []:
                regions |= {t.region for t in v.regions} | gained.get(id(v), set())
            if versions and f.region not in regions:
                what = f"no version it names replicates to '{f.region}': this fault does nothing"
                out.append(problem(fp + ("region",), "NotTargeted", "warning", what=what))
        if f.at is not None and f.at >= s.horizon:
            out.append(late(fp + ("at",), "this fault", f.at, s.horizon))


def check_updates(s: Scenario, out: list[Problem]) -> None:
    """Updates in time order: what each may add, remove or resize, given those before it."""
    targets: dict[str, dict[str, str]] = {}  # version ref -> region -> storage, as updated
    order = sorted(range(len(s.updates)), key=lambda i: (s.updates[i].at, i))
    for ui in order:
        u, up = s.updates[ui], ("updates", ui)
        found = references.resolve(s, up + ("version",), u.version, out, allow_latest=False)
        if not found:
            continue
        v = found[0]
        gallery = s.find_image(*u.version.split("/")[:2])[0]
        now = targets.setdefault(u.version, {t.region: v.storage_in(t) for t in v.regions})
        at = format_duration(u.at)
        if u.at < v.publish_at:
            when = format_duration(v.publish_at)
            out.append(
                problem(up + ("at",), "UpdateBeforePublish", at=at, version=u.version, publish=when)
            )
        if u.at >= s.horizon:
            out.append(late(up + ("at",), "this update", u.at, s.horizon))
        for ri, region in enumerate(u.remove_regions):
            rp = up + ("remove_regions", ri)
            if region not in now:
                what = "there is nothing to remove"
                out.append(
                    problem(rp, "UpdateNotTargeted", region=region, version=u.version, what=what)
                )
            elif region == gallery.region:
                regions = ", ".join(r for r in now if r != region)
                out.append(problem(rp, "SourceRegionNotTargeted", region=region, regions=regions))
            now.pop(region, None)
        for ri, t in enumerate(u.add_regions):
            rp = up + ("add_regions", ri)
            if t.region in now:
                out.append(
                    problem(rp + ("region",), "AlreadyTargeted", region=t.region, version=u.version)
                )
            if v.storage_in(t) == "Standard_ZRS" and not catalog.REGIONS[t.region].has_zones:
                out.append(problem(rp + ("region",), "ZrsNotSupported", region=t.region))
            if v.replication_mode == "Shallow":
                detail = f"an update adds '{t.region}'"
                out.append(
                    problem(
                        rp + ("region",), "ShallowTooWide", region=gallery.region, detail=detail
                    )
                )
            now[t.region] = v.storage_in(t)
        for ri, t in enumerate(u.replicas):
            rp = up + ("replicas", ri)
            if t.region not in now:
                what = "add it with add_regions instead"
                out.append(
                    problem(
                        rp + ("region",),
                        "UpdateNotTargeted",
                        region=t.region,
                        version=u.version,
                        what=what,
                    )
                )
            elif t.storage is not None and t.storage != now[t.region]:
                out.append(
                    problem(
                        rp + ("storage",),
                        "StorageNotUpdatable",
                        region=t.region,
                        current=now[t.region],
                        given=t.storage,
                    )
                )
