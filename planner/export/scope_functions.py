"""ARM template functions that read the template or its deployment: parameters(), variables(),
copyIndex(), resourceGroup(), subscription(), tenant(), deployment(), environment(), the resource
id functions, uniqueString() and guid().

An import has no deployment, so it imagines one (Context): the resource group's location is what
`--location` says (without it, resourceGroup().location is NeedsLocation and the importer finds
one or asks); the subscription and tenant are the all-zero GUID and the resource group is named
rg-images, placeholders the scenario's description names. What only a running deployment knows
(reference(), list*(), utcNow(), newGuid(), pickZones()) is Unresolved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from acgsim.planner.export.expressions import (
    Invalid,
    Partial,
    Scope,
    Unresolved,
    arity,
    kind_of,
    quote,
)
from acgsim.planner.export.unique_string import unique_string

PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000"
# what ARM's guid() hashes with is not published: a name-based UUID (RFC 4122 version 5) in a
# namespace of acgsim's own, deterministic but not the value Azure computes
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "acgsim:arm-guid")
# ARM functions acgsim does not evaluate (Unresolved: a placeholder and a note): those whose
# value only a running deployment has [template-functions-resource.md, -date.md] and
# encodings no gallery template needs. Any other unknown name is refused, as ARM refuses it.
NOT_EVALUATED = frozenset(
    {
        "reference",
        "listkeys",
        "listaccountsas",
        "listservicesas",
        "listsecrets",
        "list",
        "utcnow",
        "newguid",
        "pickzones",
        "managementgroup",
        "managementgroupresourceid",
        "providers",
        "datetimeadd",
        "datetimefromepoch",
        "datetimetoepoch",
        "base64",
        "base64tojson",
        "base64tostring",
        "datauri",
        "datauritostring",
        "uri",
        "uricomponent",
        "uricomponenttostring",
        "parsecidr",
        "cidrsubnet",
        "cidrhost",
        "loadfileasbase64",
        "loadjsoncontent",
        "loadtextcontent",
        "shallowmerge",
    }
)


@dataclass(frozen=True)
class Context:
    """The deployment an import imagines: its region, names and GUIDs."""

    location: str | None = None
    subscription_id: str = PLACEHOLDER_ID
    tenant_id: str = PLACEHOLDER_ID
    resource_group: str = "rg-images"
    deployment: str = "imported"


def _name(section: str) -> Callable:
    def reference(scope: Scope, args: list, loops: dict) -> Any:
        arity(section, args, 1, 1)
        if not isinstance(args[0], str):
            raise Invalid(f"{section}() takes a name (a string), not {kind_of(args[0])}")
        return scope.reference(section, args[0])

    return reference


def _copy_index(scope: Scope, args: list, loops: dict) -> int:
    arity("copyIndex", args, 0, 2)
    name, offset = None, 0
    if args and isinstance(args[0], str):
        name, args = args[0], args[1:]
    if args:
        if not isinstance(args[0], int) or isinstance(args[0], bool) or len(args) > 1:
            raise Invalid("copyIndex() takes a loop name and then an integer offset")
        offset = args[0]
    key = "" if name is None else name.lower()
    if key not in loops:
        where = f"a copy loop named '{quote(name)}'" if name is not None else "a copy loop"
        raise Invalid(f"copyIndex() is used outside {where}")
    return loops[key] + offset


def _partial(value: dict, unknown: frozenset[str] = frozenset()) -> Partial:
    out = Partial(value)
    out.unknown = unknown
    return out


PLACEHOLDERS_NOTE = (
    "values built from resourceGroup(), subscription() or resourceId() (uniqueString() of them, "
    f"say) use placeholders: subscription {PLACEHOLDER_ID}, resource group rg-images"
)


def _resource_group(scope: Scope, args: list, loops: dict) -> dict:
    arity("resourceGroup", args, 0, 0)
    scope.note(PLACEHOLDERS_NOTE)
    c = scope.context
    rg = {
        "id": f"/subscriptions/{c.subscription_id}/resourceGroups/{c.resource_group}",
        "name": c.resource_group,
        "type": "Microsoft.Resources/resourceGroups",
        "tags": {},
        "properties": {"provisioningState": "Succeeded"},
    }
    if c.location is not None:
        return {**rg, "location": c.location}
    return _partial(rg, frozenset({"location"}))


def _subscription(scope: Scope, args: list, loops: dict) -> dict:
    arity("subscription", args, 0, 0)
    scope.note(PLACEHOLDERS_NOTE)
    c = scope.context
    return {
        "id": f"/subscriptions/{c.subscription_id}",
        "subscriptionId": c.subscription_id,
        "tenantId": c.tenant_id,
        "displayName": "imported",
    }


def _tenant(scope: Scope, args: list, loops: dict) -> dict:
    arity("tenant", args, 0, 0)
    return _partial({"tenantId": scope.context.tenant_id})


def _deployment(scope: Scope, args: list, loops: dict) -> dict:
    arity("deployment", args, 0, 0)
    c = scope.context
    known = {"name": c.deployment, **({"location": c.location} if c.location else {})}
    return _partial(known, frozenset() if c.location else frozenset({"location"}))


def _environment(scope: Scope, args: list, loops: dict) -> dict:
    arity("environment", args, 0, 0)
    return _partial(
        {
            "name": "AzureCloud",
            "resourceManager": "https://management.azure.com/",
            "suffixes": _partial({"storage": "core.windows.net"}),
        }
    )


def _split_id_args(name: str, args: list, scopes: int) -> tuple[list[str], str, list[str]]:
    """(the optional subscription / resource group arguments, the type, the names)."""
    for a in args:
        if a is None:
            raise Unresolved(f"{name}() of an unknown value")
        if not isinstance(a, str):
            raise Invalid(f"{name}() takes strings, not {kind_of(a)}")
    at = next((i for i, a in enumerate(args) if "/" in a and "." in a.split("/")[0]), None)
    if at is None or at > scopes:
        raise Invalid(f"{name}() needs a resource type such as 'Microsoft.Compute/galleries'")
    rtype, names = args[at], args[at + 1 :]
    if len(names) != len(rtype.strip("/").split("/")) - 1:
        raise Invalid(
            f"{name}(): the type '{quote(rtype)}' takes {len(rtype.split('/')) - 1} name(s), "
            f"got {len(names)}"
        )
    return args[:at], rtype, names


def _path(rtype: str, names: list[str]) -> str:
    namespace, *types = rtype.strip("/").split("/")
    return f"providers/{namespace}/" + "/".join(
        f"{t}/{n}" for t, n in zip(types, names, strict=True)
    )


def _resource_id(scope: Scope, args: list, loops: dict) -> str:
    arity("resourceId", args, 2, None)
    before, rtype, names = _split_id_args("resourceId", args, 2)
    if len(before) < 2:
        scope.note(PLACEHOLDERS_NOTE)
    sub = before[0] if len(before) == 2 else scope.context.subscription_id
    rg = before[-1] if before else scope.context.resource_group
    return f"/subscriptions/{sub}/resourceGroups/{rg}/{_path(rtype, names)}"


def _subscription_resource_id(scope: Scope, args: list, loops: dict) -> str:
    arity("subscriptionResourceId", args, 2, None)
    before, rtype, names = _split_id_args("subscriptionResourceId", args, 1)
    sub = before[0] if before else scope.context.subscription_id
    return f"/subscriptions/{sub}/{_path(rtype, names)}"


def _tenant_resource_id(scope: Scope, args: list, loops: dict) -> str:
    arity("tenantResourceId", args, 2, None)
    _, rtype, names = _split_id_args("tenantResourceId", args, 0)
    return "/" + _path(rtype, names)


def _extension_resource_id(scope: Scope, args: list, loops: dict) -> str:
    arity("extensionResourceId", args, 3, None)
    base = args[0]
    if not isinstance(base, str):
        raise Invalid(f"extensionResourceId() takes a resource id first, not {kind_of(base)}")
    _, rtype, names = _split_id_args("extensionResourceId", args[1:], 0)
    return f"{base.rstrip('/')}/{_path(rtype, names)}"


def _strings(name: str, args: list) -> list[str]:
    arity(name, args, 1, None)
    for i, a in enumerate(args, 1):
        if a is None:
            raise Unresolved(f"{name}() of an unknown value")
        if not isinstance(a, str):
            raise Invalid(f"{name}() takes strings; argument {i} is {kind_of(a)}")
    return args


def _unique_string(scope: Scope, args: list, loops: dict) -> str:
    return unique_string(*_strings("uniqueString", args))


def _guid(scope: Scope, args: list, loops: dict) -> str:
    return str(uuid.uuid5(_GUID_NAMESPACE, "-".join(_strings("guid", args))))


SCOPE_FUNCTIONS: dict[str, Callable[[Scope, list, dict], Any]] = {
    "parameters": _name("parameters"),
    "variables": _name("variables"),
    "copyindex": _copy_index,
    "resourcegroup": _resource_group,
    "subscription": _subscription,
    "tenant": _tenant,
    "deployment": _deployment,
    "environment": _environment,
    "resourceid": _resource_id,
    "subscriptionresourceid": _subscription_resource_id,
    "tenantresourceid": _tenant_resource_id,
    "extensionresourceid": _extension_resource_id,
    "uniquestring": _unique_string,
    "guid": _guid,
}
