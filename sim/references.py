"""References a scenario makes by name (a subscription, a tenant, a gallery/image/version or
`.../latest`) and what they resolve to; a dangling one is a problem naming where it points.
"""

from __future__ import annotations

from acgsim.sim.errors import Problem, problem
from acgsim.sim.gallery_models import ImageVersion
from acgsim.sim.scenario import Scenario

Path = tuple[str | int, ...]


def known(s: Scenario, path: Path, name: str, what: str, out: list[Problem]) -> bool:
    known = {"subscription": s.subscriptions(), "tenant": {t.name for t in s.tenants}}[what]
    if name not in known:
        hint = f" under `tenants` (known: {', '.join(sorted(known))})"
        out.append(problem(path, "UnknownReference", what=what, name=name, where=hint))
        return False
    return True


def resolve(
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
