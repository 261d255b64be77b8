"""Who may deploy from the exported galleries: the scenario's role assignments and direct sharing.

Role assignments [ACG]: Reader (or the role the scenario names) on a gallery, an image definition
or a version lets another subscription or tenant deploy from it. Azure assigns a role to a
principal (a group, a user or a service principal), not to a subscription, so each assignee of
the scenario becomes a parameter holding the object id of its principal; across tenants it is
the service principal of an app registered in both tenants [ACG]. The role definition ids are
Azure's built-in ones (azure-docs, role-based-access-control/built-in-roles.md).

Direct sharing [SHARE]: a gallery with permissions Groups is shared with subscriptions and
tenants by the gallery's `share` action (`az sig share add --subscription-ids --tenant-ids`),
not by a property: the GalleryRP spec has sharingProfile.groups read-only [SPEC], and azurerm's
`sharing` block takes only the permission [TF]. Each id is the scenario's (`id:` of the
subscription or tenant) as a parameter's default, else a parameter to fill.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from acgsim.planner.export.params import Param, identifier

if TYPE_CHECKING:
    from acgsim.sim.scenario import Scenario

ROLES = {  # built-in role definition ids, the same in every subscription
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
}


@dataclass
class Assignment:
    role: str
    principal: Param
    assignee: str  # "subscription NAME" or "tenant NAME": what the scenario says
    scope: tuple[str, ...]  # (gallery,), (gallery, image) or (gallery, image, version)
    gallery_key: str  # the exported gallery the scope is in
    scope_key: str  # the key of the scope's resource (gallery, image or version key)

    @property
    def role_id(self) -> str:
        return ROLES[self.role]


@dataclass
class Share:
    """A gallery's direct sharing: subscription and tenant ids, each a parameter."""

    gallery_key: str
    subscriptions: list[Param]
    tenants: list[Param]


@dataclass
class Access:
    assignments: list[Assignment] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)

    def params(self, shares: bool = True) -> list[Param]:
        """The principals, then the shared ids, each once."""
        seen: dict[str, Param] = {}
        for a in self.assignments:
            seen.setdefault(a.principal.name, a.principal)
        for s in self.shares if shares else []:
            for p in [*s.subscriptions, *s.tenants]:
                seen.setdefault(p.name, p)
        return list(seen.values())


def _principal(kind: str, name: str) -> Param:
    if kind == "tenant":
        what = (
            f"Object id of the principal in tenant '{name}' that deploys from the gallery (the "
            "service principal of an app registered in both tenants)"
        )
    else:
        what = (
            f"Object id of the principal (group or service principal) of subscription '{name}' "
            "that deploys from the gallery"
        )
    return Param(identifier("principal", kind, name), what)


def access_of(scenario: Scenario, galleries: list) -> Access:
    """The scenario's role assignments on exported resources, and each groups gallery's shares
    (GALLERIES: document.GalleryOut, which imports this module)."""
    keys: dict[tuple[str, ...], tuple[str, str]] = {}
    for g in galleries:
        keys[(g.spec.name,)] = (g.key, g.key)
        for i in g.images:
            keys[(g.spec.name, i.spec.name)] = (g.key, i.key)
            for v in i.versions:
                keys[(g.spec.name, i.spec.name, v.name)] = (g.key, v.key)
    out = Access()
    for a in scenario.access:
        scope = tuple(a.scope.split("/"))
        if scope not in keys:  # validation refuses such scopes; nothing to assign it on
            continue
        kind, name = ("tenant", a.tenant) if a.tenant else ("subscription", a.subscription)
        gallery_key, scope_key = keys[scope]
        out.assignments.append(
            Assignment(
                a.role, _principal(kind, name), f"{kind} {name}", scope, gallery_key, scope_key
            )
        )
    subs = scenario.subscriptions()
    tenants = {t.name: t for t in scenario.tenants}
    for g in galleries:
        sharing = g.spec.sharing
        if sharing.mode != "groups" or not (sharing.subscriptions or sharing.tenants):
            continue
        out.shares.append(
            Share(
                g.key,
                [
                    Param(
                        identifier("subscription_id", s),
                        f"Id of subscription '{s}', which the gallery is shared with",
                        _id(subs[s][1].id if s in subs else None),
                    )
                    for s in sharing.subscriptions
                ],
                [
                    Param(
                        identifier("tenant_id", t),
                        f"Id of tenant '{t}', which the gallery is shared with",
                        _id(tenants[t].id if t in tenants else None),
                    )
                    for t in sharing.tenants
                ],
            )
        )
    return out


def _id(value: object) -> str | None:
    return None if value is None else str(value)
