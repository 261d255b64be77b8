"""Rules that span fields: what Azure refuses across resources, and references that must resolve.

Single fields (names, ranges, regions) are checked by the models in sim.scenario. Here: limits per
subscription and region [ACG], uniqueness of names and identifiers [SIG][TS], publishing profiles
(duplicate regions, the source region, ZRS without zones, image size, Shallow) [TS][SIG], direct
sharing limits [SHARE], every name the scenario uses to point at something else (sim.references),
what happens over the run (sim.workload_checks) and what is too big to simulate at all
(sim.footprint). Every problem in the file is reported, not just the first. A warning is legal but
probably not what was meant.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from acgsim.sim import catalog, footprint, references, workload_checks
from acgsim.sim.errors import Problem, problem
from acgsim.sim.gallery_models import ImageVersion
from acgsim.sim.naming import version_key
from acgsim.sim.references import Path
from acgsim.sim.scenario import Scenario


def check(s: Scenario) -> list[Problem]:
    """Every cross-field problem in a scenario that already passed field validation."""
    out: list[Problem] = []
    _check_tenants(s, out)
    _check_galleries(s, out)
    _check_limits(s, out)
    _check_access(s, out)
    workload_checks.check_workload(s, out)
    workload_checks.check_faults(s, out)
    workload_checks.check_updates(s, out)
    workload_checks.check_clients(s, out)
    workload_checks.check_start(s, out)
    out += footprint.problems(s)
    return out


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


def _check_galleries(s: Scenario, out: list[Problem]) -> None:
    first_in_sub: dict[tuple[str, str], int] = {}
    for gi, g in enumerate(s.galleries):
        gp: Path = ("galleries", gi)
        if references.known(s, gp + ("subscription",), g.subscription, "subscription", out):
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
            references.known(s, sp + (field, i), name, what, out)
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
    if v.publish_at >= s.horizon:
        out.append(
            workload_checks.late(vp + ("publish_at",), "publishing", v.publish_at, s.horizon)
        )


def _gb(value: float) -> str:
    return f"{value:g}"


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


def _check_access(s: Scenario, out: list[Problem]) -> None:
    for ai, a in enumerate(s.access):
        ap: Path = ("access", ai)
        if a.subscription is not None:
            references.known(s, ap + ("subscription",), a.subscription, "subscription", out)
        if a.tenant is not None:
            references.known(s, ap + ("tenant",), a.tenant, "tenant", out)
        references.resolve(s, ap + ("scope",), a.scope, out, allow_latest=False, parts_needed=1)
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
