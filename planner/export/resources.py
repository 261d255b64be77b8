"""The resources an ARM template deploys, once per copy, as ARM expands them.

`resources` is an array, or (languageVersion 2.0, what Bicep compiles to) an object keyed by
symbolic names. A resource is walked with its nested children (whose type and name are relative
to the parent's), once per copy of its `copy` loop; a `condition` that is false drops it and its
children; `existing: true` marks a reference to a resource deployed elsewhere, not a new one.
Resource types are compared case-insensitively, as ARM compares them.

Nested deployments (Microsoft.Resources/deployments with an inline `template`, what Bicep
modules and Azure Verified Modules compile to) are walked too: with `expressionEvaluationOptions`
scope `inner` the nested template is a template of its own whose parameters are the deployment's
`parameters` (evaluated in the outer template); otherwise its expressions are the outer
template's. A linked template (templateLink) cannot be read offline: the note says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from acgsim.planner.export.expressions import Invalid, Unresolved, kind_of, quote
from acgsim.planner.export.scope_functions import Context
from acgsim.planner.export.template import MAX_RESOURCES, UNKNOWN, Template

DEPLOYMENTS = "microsoft.resources/deployments"
RESOURCE_GROUPS = "microsoft.resources/resourcegroups"


class Instance(NamedTuple):
    """One resource, once per copy: the resource, its full type, its name segments (a nested
    child's begin with its parent's), its path in the template, the copy indexes it sees, the
    template it is evaluated in, and whether it is a reference to an existing resource."""

    resource: dict
    rtype: str
    segments: list
    path: tuple
    loops: dict
    scope: Template
    existing: bool = False


def items(template: dict, at: tuple = ()) -> list[tuple[tuple, Any]] | None:
    """(path, resource) for each resource at the top; None if `resources` is neither an array
    nor (languageVersion 2.0) an object of symbolic names."""
    resources = template.get("resources")
    if isinstance(resources, dict):
        return [((*at, "resources", k), r) for k, r in resources.items()]
    if isinstance(resources, list):
        return [((*at, "resources", i), r) for i, r in enumerate(resources)]
    return None


class Walk:
    """Finds every resource of the wanted types; the others are listed in `others`."""

    def __init__(self, wanted: tuple[str, ...]):
        self.wanted = {w.lower(): w for w in wanted}
        self.others: list[tuple[str, str]] = []  # (type, name as far as it evaluates)
        self.linked: list[tuple] = []  # paths of linked deployments (templateLink), not read

    def instances(self, t: Template, found: list[tuple[tuple, Any]]) -> list[Instance]:
        return self._walk(t, found, None)

    def _walk(self, t: Template, found: list, parent: Instance | None) -> list[Instance]:
        out = []
        for path, r in found:
            if not isinstance(r, dict):
                raise Invalid(f"a resource must be an object, not {kind_of(r)}", path)
            rtype = r.get("type")
            if not isinstance(rtype, str):
                raise Invalid(f"must be a string, not {kind_of(rtype)}", (*path, "type"))
            if parent is not None and "." not in rtype.split("/")[0]:
                rtype = f"{parent.rtype}/{rtype}"  # a nested child names its type relatively
            known = self.wanted.get(rtype.lower())
            children = r.get("resources", [])
            if not isinstance(children, list):
                raise Invalid(f"must be an array, not {kind_of(children)}", (*path, "resources"))
            existing = r.get("existing") is True
            for loops in self._copies(t, r, path, parent.loops if parent else {}, known):
                if not self._condition(t, r, path, loops, known or rtype.lower() == DEPLOYMENTS):
                    continue
                segments = [*(parent.segments if parent else []), r.get("name")]
                instance = Instance(r, known or rtype, segments, path, loops, t, existing)
                if known:
                    out.append(instance)
                elif rtype.lower() == DEPLOYMENTS:
                    out += self._nested(t, instance)
                elif not existing:
                    self.others.append((rtype, _shown_name(t, instance)))
                nested = [((*path, "resources", j), c) for j, c in enumerate(children)]
                out += self._walk(t, nested, instance)
        return out

    def _condition(self, t: Template, r: dict, path: tuple, loops: dict, needed: bool) -> bool:
        """False when the resource's condition is false; an unknown one counts as true."""
        if "condition" not in r or not needed:
            return True
        try:
            value = t.value(r["condition"], (*path, "condition"), loops)
        except Unresolved:
            t.budget.notes.append(
                f"{_where(path)}: its condition depends on the deployment, imported as if true"
            )
            return True
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        if not isinstance(value, bool):
            raise Invalid(f"a condition must be true or false, not {kind_of(value)}", path)
        return value

    def _copies(self, t: Template, r: dict, path: tuple, outer: dict, wanted: Any) -> list[dict]:
        """The copy indexes each instance of a resource sees: one instance without `copy`."""
        copy, instances = r.get("copy"), [outer]
        if copy is not None:
            if not isinstance(copy, dict) or not isinstance(copy.get("name"), str):
                raise Invalid("must be an object with a name and a count", (*path, "copy"))
            try:
                count = t.count(copy.get("count"), (*path, "copy", "count"), outer)
            except Unresolved as exc:
                if wanted:
                    raise Invalid(f"cannot read the copy count: {exc}", (*path, "copy")) from None
                count = 1  # another type of resource: counted once towards the limit
            name = copy["name"].lower()
            instances = [{**outer, "": i, name: i} for i in range(count)]
        t.budget.resources += len(instances)
        if t.budget.resources > MAX_RESOURCES:
            raise Invalid(
                f"the template holds more than {MAX_RESOURCES} resources with copies counted; "
                f"ARM's limit is {MAX_RESOURCES}",
                path,
            )
        return instances

    def _nested(self, t: Template, d: Instance) -> list[Instance]:
        """The resources of a nested deployment's inline template."""
        props = d.resource.get("properties")
        props = props if isinstance(props, dict) else {}
        at = (*d.path, "properties")
        inner = props.get("template")
        if not isinstance(inner, dict):
            if props.get("templateLink") is not None:
                self.linked.append((*at, "templateLink"))
                t.budget.notes.append(
                    f"{_where(d.path)}: a linked template (templateLink) is not read offline, "
                    "import it on its own"
                )
            self.others.append((d.rtype, _shown_name(t, d)))
            return []
        options = props.get("expressionEvaluationOptions")
        scope = options.get("scope") if isinstance(options, dict) else None
        found = items(inner, (*at, "template"))
        if found is None:
            raise Invalid("must be an array or an object", (*at, "template", "resources"))
        if not (isinstance(scope, str) and scope.lower() == "inner"):
            return self._walk(t, found, None)  # evaluated in the outer template's scope
        given = props.get("parameters") or {}
        if not isinstance(given, dict):
            raise Invalid(f"must be an object, not {kind_of(given)}", (*at, "parameters"))
        values = {}
        for name, entry in given.items():
            where = (*at, "parameters", name)
            if not isinstance(entry, dict) or "value" not in entry:
                values[name] = UNKNOWN  # a Key Vault reference: a secret, never a gallery
                continue
            value = t.tree(entry["value"], (*where, "value"), d.loops)
            values[name] = UNKNOWN if value is None else value
        try:
            context = _group_context(t, d)
            nested = Template(inner, values, context, t.strict, t.budget)
        except Invalid as exc:
            exc.path = (*at, "template", *(exc.path or ()))
            raise
        return self._walk(nested, found, None)


def _group_context(t: Template, d: Instance) -> Context:
    """The context a nested deployment's inner template sees: when it deploys into a resource
    group the same template creates (Bicep's `targetScope = 'subscription'` with a module
    `scope: rg`), resourceGroup() there is that group, with its name and location."""
    try:
        group = t.value(d.resource.get("resourceGroup"), (*d.path, "resourceGroup"), d.loops)
    except (Unresolved, Invalid):
        return t.context
    if not isinstance(group, str):
        return t.context
    for path, r in items(t.template) or []:
        if not (isinstance(r, dict) and str(r.get("type", "")).lower() == RESOURCE_GROUPS):
            continue
        if "copy" in r:
            continue
        try:
            name = t.value(r.get("name"), (*path, "name"))
            location = t.value(r.get("location"), (*path, "location"))
        except (Unresolved, Invalid):
            continue
        if isinstance(name, str) and name.lower() == group.lower() and isinstance(location, str):
            return replace(t.context, location=location, resource_group=name)
    return t.context


def _where(path: tuple) -> str:
    from acgsim.sim.errors import Problem

    return Problem(path, "").where


def _shown_name(t: Template, r: Instance) -> str:
    """A resource's name as far as it evaluates, for a note."""
    parts = []
    for segment in r.segments:
        try:
            value = t.value(segment, (*r.path, "name"), r.loops)
        except (Unresolved, Invalid):
            value = segment
        parts.append(quote(str(value), 60))
    return "/".join(parts)
