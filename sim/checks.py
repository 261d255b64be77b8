"""Rules that span fields: what Azure refuses across resources, and references that must resolve.

Single fields (names, ranges, regions) are checked by the models in sim.scenario. Here: limits per
subscription and region [ACG], uniqueness of names and identifiers [SIG][TS], publishing profiles
(duplicate regions, the source region, ZRS without zones, image size, Shallow) [TS][SIG], direct
sharing limits [SHARE], every name the scenario uses to point at something else, and what is too
big to simulate at all (sim.footprint). Every problem
in the file is reported, not just the first. A warning is legal but probably not what was meant.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from acgsim.sim import catalog, footprint
from acgsim.sim.errors import Problem, problem
from acgsim.sim.naming import version_key
from acgsim.sim.params import CLIENT_NAMES
from acgsim.sim.scenario import ImageVersion, Scenario
from acgsim.sim.units import format_duration

Path = tuple[str | int, ...]


def check(s: Scenario) -> list[Problem]:
    """Every cross-field problem in a scenario that already passed field validation."""
    out: list[Problem] = []
    _check_tenants(s, out)
    _check_galleries(s, out)
    _check_limits(s, out)
    _check_access(s, out)
    _check_workload(s, out)
    _check_faults(s, out)
    _check_updates(s, out)
    _check_clients(s, out)
    _check_start(s, out)
    out += footprint.problems(s)
    return out


def _check_start(s: Scenario, out: list[Problem]) -> None:
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


def _check_clients(s: Scenario, out: list[Problem]) -> None:
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


def _dupes(
    names: list[str], path: Path, field: str, what: str, where: str, out: list[Problem]
) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            out.append(
                problem(
                    path + ((i, field) if field else (i,)),
                    "DuplicateName",
                    what=what,
                    name=name,
                    where=where,
                )
            )
        seen.add(name)


def _check_tenants(s: Scenario, out: list[Problem]) -> None:
    _dupes([t.name for t in s.tenants], ("tenants",), "name", "tenant", "", out)
    seen: dict[str, str] = {}
    for ti, t in enumerate(s.tenants):
        for si, sub in enumerate(t.subscriptions):
            if sub.name in seen:
                out.append(
                    problem(
                        ("tenants", ti, "subscriptions", si, "name"),
                        "DuplicateName",
                        what="subscription",
                        name=sub.name,
                        where=f" (also in tenant '{seen[sub.name]}')",
                    )
                )
            seen[sub.name] = t.name


def _ref(s: Scenario, path: Path, name: str, what: str, out: list[Problem]) -> bool:
    known = {"subscription": s.subscriptions(), "tenant": {t.name for t in s.tenants}}[what]
    if name not in known:
        hint = f" under `tenants` (known: {', '.join(sorted(known))})"
        out.append(problem(path, "UnknownReference", what=what, name=name, where=hint))
        return False
    return True


def _check_galleries(s: Scenario, out: list[Problem]) -> None:
    first_in_sub: dict[tuple[str, str], int] = {}
    for gi, g in enumerate(s.galleries):
        gp: Path = ("galleries", gi)
        if _ref(s, gp + ("subscription",), g.subscription, "subscription", out):
            key = (g.subscription, g.name.lower())
            if key in first_in_sub:
                out.append(
                    problem(
                        gp + ("name",),
                        "DuplicateGallery",
                        name=g.name,
                        subscription=g.subscription,
                        first=f"galleries[{first_in_sub[key]}]",
                    )
                )
            first_in_sub.setdefault(key, gi)
        if catalog.REGIONS[g.region].restricted:
            out.append(problem(gp + ("region",), "RestrictedRegion", "warning", region=g.region))
        _check_sharing(s, gp, out)
        _dupes(
            [d.name for d in g.images],
            gp + ("images",),
            "name",
            "image definition",
            f" in gallery '{g.name}'",
            out,
        )
        identifiers: dict[tuple[str, str, str], str] = {}
        for di, d in enumerate(g.images):
            dp = gp + ("images", di)
            ident = (d.publisher.lower(), d.offer.lower(), d.sku.lower())
            if ident in identifiers:
                out.append(
                    problem(
                        dp + ("sku",),
                        "DuplicateIdentifier",
                        name=d.name,
                        publisher=d.publisher,
                        offer=d.offer,
                        sku=d.sku,
                        other=identifiers[ident],
                    )
                )
            identifiers.setdefault(ident, d.name)
            gen2_only = d.security_type not in ("Standard",)
            if gen2_only and d.hyperv_generation == "V1":
                out.append(
                    problem(
                        dp + ("hyperv_generation",),
                        "GenerationMismatch",
                        security=d.security_type,
                        generation=d.hyperv_generation,
                    )
                )
            _dupes(  # 1.0.0 and 1.00.0 are the same version to `latest`
                [".".join(map(str, version_key(v.name))) for v in d.versions],
                dp + ("versions",),
                "name",
                "image version",
                f" in image '{d.name}'",
                out,
            )
            for vi, v in enumerate(d.versions):
                _check_version(s, g.region, v, dp + ("versions", vi), out)


def _check_sharing(s: Scenario, gp: Path, out: list[Problem]) -> None:
    sharing = s.galleries[gp[1]].sharing
    sp = gp + ("sharing",)
    missing = [
        f
        for f in ("prefix", "publisher_email", "publisher_uri", "eula")
        if sharing.mode == "community" and not getattr(sharing, f)
    ]
    if missing:
        out.append(problem(sp, "CommunityInfo", "warning", fields=", ".join(missing)))
    if sharing.mode != "groups":
        if sharing.subscriptions or sharing.tenants:
            out.append(problem(sp, "SharingListsNeedGroups", mode=sharing.mode))
        return
    for field, what, limit_key in (
        ("subscriptions", "subscription", "share_subscriptions"),
        ("tenants", "tenant", "share_tenants"),
    ):
        names = getattr(sharing, field)
        for i, name in enumerate(names):
            _ref(s, sp + (field, i), name, what, out)
        _dupes(names, sp + (field,), "", what, " in the sharing list", out)
        limit = catalog.LIMITS[limit_key].value
        if len(names) > limit:
            out.append(
                problem(
                    sp + (field, limit), "ShareTooWide", limit=limit, what=field, count=len(names)
                )
            )


def _check_version(s: Scenario, source: str, v: ImageVersion, vp: Path, out: list[Problem]) -> None:
    first: dict[str, int] = {}
    for ri, t in enumerate(v.regions):
        rp = vp + ("regions", ri)
        if t.region in first:
            out.append(
                problem(
                    rp + ("region",),
                    "DuplicateTargetRegion",
                    region=t.region,
                    first=f"regions[{first[t.region]}]",
                )
            )
        first.setdefault(t.region, ri)
        if v.storage_in(t) == "Standard_ZRS" and not catalog.REGIONS[t.region].has_zones:
            field = "storage" if t.storage is not None else "region"
            out.append(problem(rp + (field,), "ZrsNotSupported", region=t.region))
        if catalog.REGIONS[t.region].restricted:
            out.append(problem(rp + ("region",), "RestrictedRegion", "warning", region=t.region))
    if source not in first:
        out.append(
            problem(
                vp + ("regions",),
                "SourceRegionNotTargeted",
                region=source,
                regions=", ".join(t.region for t in v.regions),
            )
        )
    if v.disk_size_gb is not None and v.size_gb > v.disk_size_gb:
        out.append(
            problem(vp + ("size_gb",), "SizeOrder", size=_gb(v.size_gb), disk=_gb(v.disk_size_gb))
        )
    shallow = v.replication_mode == "Shallow"
    limit = catalog.LIMITS["image_size_shallow_gb" if shallow else "image_size_full_gb"].value
    if v.source_size_gb > limit:
        field = "disk_size_gb" if v.disk_size_gb is not None else "size_gb"
        hint = "" if shallow else " (Shallow replication takes up to 32 TB, for test images)"
        out.append(
            problem(
                vp + (field,),
                "ImageTooLarge",
                size=_gb(v.source_size_gb),
                limit=limit,
                mode=v.replication_mode,
                hint=hint,
            )
        )
    if shallow:
        others = [t.region for t in v.regions if t.region != source]
        wide = [(ri, t) for ri, t in enumerate(v.regions) if v.replicas_in(t) > 1]
        if others:
            out.append(
                problem(
                    vp + ("regions",),
                    "ShallowTooWide",
                    region=source,
                    detail=f"also {', '.join(others)}",
                )
            )
        for ri, t in wide:  # point at the field the user wrote
            path = vp + (("regions", ri, "replicas") if t.replicas is not None else ("replicas",))
            detail = f"{v.replicas_in(t)} replicas in '{t.region}'"
            out.append(problem(path, "ShallowTooWide", region=source, detail=detail))
    if v.publish_at > s.horizon:
        out.append(_late(vp + ("publish_at",), "publishing", v.publish_at, s.horizon))


def _gb(value: float) -> str:
    return f"{value:g}"


def _late(path: Path, what: str, at: float, horizon: float) -> Problem:
    return problem(
        path,
        "AfterHorizon",
        "warning",
        what=what,
        at=format_duration(at),
        horizon=format_duration(horizon),
    )


def _check_limits(s: Scenario, out: list[Problem]) -> None:
    """At most 100 galleries, 1,000 definitions, 10,000 versions per subscription, region [ACG]."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for gi, g in enumerate(s.galleries):
        key = (g.subscription, g.region)
        items = [("galleries", ("galleries", gi))]
        for di, d in enumerate(g.images):
            items.append(("image_definitions", ("galleries", gi, "images", di)))
            items += [
                ("image_versions", ("galleries", gi, "images", di, "versions", vi))
                for vi in range(len(d.versions))
            ]
        for limit_key, path in items:
            counts[limit_key][key] += 1
            limit = catalog.LIMITS[limit_key]
            if counts[limit_key][key] == limit.value + 1:
                total = _total(s, limit_key, key)
                out.append(
                    problem(
                        path,
                        "LimitExceeded",
                        subscription=key[0],
                        region=key[1],
                        count=f"{total:,}",
                        what=limit.what,
                        limit=f"{limit.value:,}",
                    )
                )


def _total(s: Scenario, limit_key: str, key: tuple[str, str]) -> int:
    galleries = [g for g in s.galleries if (g.subscription, g.region) == key]
    if limit_key == "galleries":
        return len(galleries)
    if limit_key == "image_definitions":
        return sum(len(g.images) for g in galleries)
    return sum(len(d.versions) for g in galleries for d in g.images)


def _resolve(
    s: Scenario, path: Path, ref: str, out: list[Problem], allow_latest: bool, parts_needed: int = 3
) -> list[ImageVersion] | None:
    """The versions a gallery/image/version (or .../latest) reference may mean; None if dangling."""
    parts = ref.split("/")
    if not 1 <= len(parts) <= 3 or not all(parts) or len(parts) < parts_needed:
        out.append(
            problem(path, "BadScope" if parts_needed == 1 else "BadImageReference", value=ref)
        )
        return None
    galleries = [g for g in s.galleries if g.name == parts[0]]
    if not galleries:
        out.append(
            problem(
                path, "UnknownReference", what="gallery", name=parts[0], where=" under `galleries`"
            )
        )
        return None
    if len(parts) == 1:
        return [x.version for x in s.versions() if x.gallery.name == parts[0]]
    found = s.find_image(parts[0], parts[1])
    if found is None:
        out.append(
            problem(
                path,
                "UnknownReference",
                what="image definition",
                name=parts[1],
                where=f" in gallery '{parts[0]}'",
            )
        )
        return None
    versions = found[1].versions
    if len(parts) == 2 or (allow_latest and parts[2] == "latest"):
        return list(versions)
    chosen = [v for v in versions if v.name == parts[2]]
    if not chosen:
        out.append(
            problem(
                path,
                "UnknownReference",
                what="image version",
                name=parts[2],
                where=f" in image '{parts[0]}/{parts[1]}'"
                + (" (or write 'latest')" if allow_latest else ""),
            )
        )
        return None
    return chosen


def _check_access(s: Scenario, out: list[Problem]) -> None:
    for ai, a in enumerate(s.access):
        ap: Path = ("access", ai)
        if a.subscription is not None:
            _ref(s, ap + ("subscription",), a.subscription, "subscription", out)
        if a.tenant is not None:
            _ref(s, ap + ("tenant",), a.tenant, "tenant", out)
        _resolve(s, ap + ("scope",), a.scope, out, allow_latest=False, parts_needed=1)
        _check_cross_tenant(s, ap, a, out)


def _check_cross_tenant(s: Scenario, ap: Path, a, out: list[Problem]) -> None:
    """A role held across tenants without an app in both tenants grants nothing."""
    if a.cross_tenant != "none":
        return
    subs, tenants = s.subscriptions(), {t.name for t in s.tenants}
    gallery = next((g for g in s.galleries if g.name == a.scope.split("/")[0]), None)
    if gallery is None or gallery.subscription not in subs:
        return
    owner = subs[gallery.subscription][0].name
    tenant = a.tenant if a.tenant is not None else subs.get(a.subscription, (None,))[0]
    tenant = tenant if isinstance(tenant, str) else getattr(tenant, "name", None)
    if tenant is None or tenant not in tenants or tenant == owner:
        return
    out.append(
        problem(
            ap + ("cross_tenant",),
            "CrossTenantWithoutApp",
            "warning",
            assignee=a.subscription or a.tenant,
            tenant=tenant,
            owner=owner,
            scope=a.scope,
            subscription=gallery.subscription,
        )
    )


def _check_workload(s: Scenario, out: list[Problem]) -> None:
    for w in s.waves():
        wave, wp = w.wave, ("workload", w.kind, w.index)
        _ref(s, wp + ("subscription",), wave.subscription, "subscription", out)
        versions = _resolve(s, wp + ("image",), wave.image, out, allow_latest=True)
        if versions is not None:
            _check_servable(wave.image, wave.region, versions, wp, out, _added(s))
            _check_compatible(s, w, wp, versions, out)
        if wave.at > s.horizon:
            out.append(_late(wp + ("at",), "this wave", wave.at, s.horizon))


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


def _check_faults(s: Scenario, out: list[Problem]) -> None:
    for fi, f in enumerate(s.faults):
        fp: Path = ("faults", fi)
        if f.kind == "zone_outage" and not catalog.REGIONS[f.region].has_zones:
            out.append(problem(fp + ("region",), "ZoneMissing", region=f.region))
        if f.kind == "replication_failure":
            if f.version is not None:
                versions = _resolve(s, fp + ("version",), f.version, out, allow_latest=False)
            else:
                versions = [x.version for x in s.versions()]
            gained, regions = _added(s), set()
            for v in versions or []:
                regions |= {t.region for t in v.regions} | gained.get(id(v), set())
            if versions and f.region not in regions:
                what = f"no version it names replicates to '{f.region}': this fault does nothing"
                out.append(problem(fp + ("region",), "NotTargeted", "warning", what=what))
        if f.at is not None and f.at > s.horizon:
            out.append(_late(fp + ("at",), "this fault", f.at, s.horizon))


def _check_updates(s: Scenario, out: list[Problem]) -> None:
    """Updates in time order: what each may add, remove or resize, given those before it."""
    targets: dict[str, dict[str, str]] = {}  # version ref -> region -> storage, as updated
    order = sorted(range(len(s.updates)), key=lambda i: (s.updates[i].at, i))
    for ui in order:
        u, up = s.updates[ui], ("updates", ui)
        found = _resolve(s, up + ("version",), u.version, out, allow_latest=False)
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
        if u.at > s.horizon:
            out.append(_late(up + ("at",), "this update", u.at, s.horizon))
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
