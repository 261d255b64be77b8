"""An ARM template's values evaluated within ARM's own limits: parameters, variables, copy loops.

A template to import is someone else's file, so evaluating it is bounded the way ARM bounds it:
each variable and parameter is evaluated once (memoised), so references that fan out cost what the
template says, not 2**n; a variable that refers to itself is refused with the cycle named; copy
counts stop at ARM's 800, resources (copies counted) at 800; and every character evaluation builds
or places into the resources counts towards ARM's 4 MB for a template after expansion. Parameters
and variables are looked up case-insensitively, as in ARM. A parameter's value is its
defaultValue: an import has no deployment to supply one.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from acgsim.planner.export.expressions import (
    MAX_NESTING,
    Invalid,
    Unresolved,
    evaluate,
    is_expression,
    kind_of,
    parse,
)

# ARM's published limits, from azure-docs articles/azure-resource-manager/templates/:
# [BP] best-practices.md, "Template limits"; [COPY] copy-resources.md, "Copy limits"
# (copy-properties.md and copy-variables.md say the same).
MAX_TEMPLATE_CHARS = 4 * 2**20  # [BP] "Limit the size of your template to 4 MB ... after it has
# been expanded with iterative resource definitions, and values for variables and parameters"
MAX_PARAMETERS = 256  # [BP] "256 parameters"
MAX_VARIABLES = 512  # [BP] "512 variables" (the page's 2022 edition said 256)
MAX_RESOURCES = 800  # [BP] "800 resources (including copy count)"
MAX_COPY = 800  # [COPY] "The count can't exceed 800." and "The count can't be a negative number."
_LOOP_KEYS = {"name", "count", "input"}


class Instance(NamedTuple):
    """One resource, once per copy: the resource, its full type, its name segments (a nested
    child's begin with its parent's), its path in the template and the copy indexes it sees."""

    resource: dict
    rtype: str
    segments: list
    path: tuple
    loops: dict


class Template:
    """One template's values: `value` and `tree` evaluate, `instances` expands resource copies."""

    def __init__(self, template: dict):
        self.parameters = self._declared(template, "parameters", MAX_PARAMETERS)
        self.variables = self._declared(template, "variables", MAX_VARIABLES)
        self.loops: dict[str, tuple[dict, tuple]] = {}  # variable copy loops: name -> spec, path
        copies = self.variables.pop("copy", (None, ""))[0]
        if copies is not None:
            for j, spec in enumerate(_loop_specs(copies, ("variables", "copy"))):
                if spec["name"].lower() in self.variables or spec["name"].lower() in self.loops:
                    raise Invalid("names a variable twice", ("variables", "copy", j, "name"))
                self.loops[spec["name"].lower()] = (spec, ("variables", "copy", j))
        self.memo: dict[tuple[str, str], Any] = {}
        self.active: list[tuple[str, str]] = []  # references being evaluated, to find cycles
        self.spent = 0  # characters built or placed, against MAX_TEMPLATE_CHARS
        self.depth = 0  # against MAX_NESTING
        self.resources = 0  # instances, against MAX_RESOURCES

    @staticmethod
    def _declared(template: dict, section: str, limit: int) -> dict[str, tuple[Any, str]]:
        """A section's entries by lower-cased name: (declaration, name as written)."""
        entries = template.get(section)
        if entries is None:
            return {}
        if not isinstance(entries, dict):
            raise Invalid(f"must be an object, not {kind_of(entries)}", (section,))
        if len(entries) > limit:
            raise Invalid(f"declares {len(entries)} {section}; ARM's limit is {limit}", (section,))
        out: dict[str, tuple[Any, str]] = {}
        for name, value in entries.items():
            if not isinstance(name, str):
                raise Invalid(f"a name must be a string, not {kind_of(name)}", (section, str(name)))
            if name.lower() in out:
                other = out[name.lower()][1]
                raise Invalid(f"'{name}' and '{other}' are the same name in ARM", (section, name))
            if section == "parameters" and not isinstance(value, dict):
                raise Invalid(f"must be an object, not {kind_of(value)}", (section, name))
            out[name.lower()] = (value, name)
        return out

    # --- values ------------------------------------------------------------------------------

    def value(self, value: Any, path: tuple, loops: dict | None = None) -> Any:
        """One template value: an expression's result, or the literal itself (its size charged)."""
        if not is_expression(value):
            self.charge(value, path)
            escaped = isinstance(value, str) and value.startswith("[[") and value.endswith("]")
            return value[1:] if escaped else value  # "[[x]" is ARM's escape for the text "[x]"
        try:
            result = evaluate(parse(value), self, loops or {})
            self.charge(result, None)
        except Invalid as exc:
            if exc.path is None:
                exc.path, exc.expr = path, value
            raise
        return result

    def tree(self, node: Any, path: tuple, loops: dict | None = None) -> Any:
        """A value and everything inside it, expressions evaluated and property copy loops
        expanded; an expression that depends on a deployment becomes None."""
        self.enter(path)
        try:
            if isinstance(node, dict):
                self.charge(1, path)
                out = {}
                for key, item in node.items():
                    if key == "copy" and _is_loop(item):
                        for j, spec in enumerate(_loop_specs(item, (*path, "copy"))):
                            out[spec["name"]] = self.iterate(spec, (*path, "copy", j), loops)
                    else:
                        out[key] = self.tree(item, (*path, key), loops)
                return out
            if isinstance(node, list):
                self.charge(1, path)
                return [self.tree(item, (*path, i), loops) for i, item in enumerate(node)]
            try:
                return self.value(node, path, loops)
            except Unresolved:
                return None
        finally:
            self.leave()

    def iterate(self, spec: dict, path: tuple, loops: dict | None) -> list | None:
        """A copy loop's array (None if its count depends on a deployment)."""
        try:
            count = self.count(spec["count"], (*path, "count"), loops)
        except Unresolved:
            return None
        name = spec["name"].lower()
        return [
            self.tree(spec["input"], (*path, "input"), {**(loops or {}), name: i})
            for i in range(count)
        ]

    def count(self, value: Any, path: tuple, loops: dict | None = None) -> int:
        """A copy count: an integer 0..MAX_COPY, or Invalid saying what ARM allows."""
        count = self.value(value, path, loops)
        if count is None:
            raise Unresolved("an unknown count")
        if not isinstance(count, int) or isinstance(count, bool):
            raise Invalid(f"a copy count must be an integer, not {kind_of(count)}", path)
        if count > MAX_COPY:
            raise Invalid(
                f"copy count {count:,} is over ARM's limit: \"The count can't exceed 800.\"", path
            )
        if count < 0:
            raise Invalid(f"copy count {count} is negative: ARM says it can't be", path)
        return count

    # --- the scope expressions evaluate in ---------------------------------------------------

    def reference(self, section: str, name: str) -> Any:
        """parameters('x') or variables('x'), each evaluated once; a cycle is Invalid."""
        key = (section, name.lower())
        if key in self.memo:
            if isinstance(self.memo[key], Unresolved):
                raise self.memo[key]
            return self.memo[key]
        table = self.parameters if section == "parameters" else self.variables
        if key[1] not in table and not (section == "variables" and key[1] in self.loops):
            raise Invalid(f"{section}('{name}'): the template declares no such {section[:-1]}")
        if key in self.active:
            cycle = [n for _, n in self.active[self.active.index(key) :]] + [key[1]]
            raise Invalid(f"{section}('{name}') refers to itself: {' -> '.join(cycle)}")
        self.active.append(key)
        self.enter((section, name))
        try:
            if section == "variables" and key[1] in self.loops:
                result = self.iterate(*self.loops[key[1]], None)
            else:
                declared, written = table[key[1]]
                path: tuple = (section, written)
                if section == "parameters":
                    if "defaultValue" not in declared:
                        raise Unresolved(f"parameters('{written}') has no default value")
                    declared, path = declared["defaultValue"], (*path, "defaultValue")
                # a value that depends on a deployment stays Unresolved; inside an object, None
                deep = isinstance(declared, (dict, list))
                result = (self.tree if deep else self.value)(declared, path)
        except Unresolved as exc:
            self.memo[key] = exc  # asked again, it fails again at once
            raise
        finally:
            self.leave()
            self.active.pop()
        self.memo[key] = result
        return result

    def charge(self, value: Any, path: tuple | None) -> None:
        """Counts a value (strings by their length) against MAX_TEMPLATE_CHARS."""
        stack = [value]
        while stack:
            item = stack.pop()
            self.spent += len(item) if isinstance(item, str) else 1
            if self.spent > MAX_TEMPLATE_CHARS:
                mb = MAX_TEMPLATE_CHARS // 2**20
                raise Invalid(
                    f"the template expands past {mb} MB (copies, variables and parameters "
                    f"expanded); ARM's limit is {mb} MB",
                    path,
                )
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)

    def enter(self, path: tuple | None = None) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.depth -= 1
            raise Invalid(
                f"nests more than {MAX_NESTING} deep, counting values in values, calls in calls "
                f"and variables that refer to variables; the limit is {MAX_NESTING}",
                path,
            )

    def leave(self) -> None:
        self.depth -= 1

    # --- resources ---------------------------------------------------------------------------

    def instances(self, items: list[tuple[tuple, Any]], wanted: tuple[str, ...]) -> list[Instance]:
        """Every resource of a `wanted` type among (path, resource) `items` and their nested
        children, once per copy; a wanted resource's copy count must be readable."""
        return self._instances(items, wanted, None)

    def _instances(self, items: list, wanted: tuple[str, ...], parent: Instance | None) -> list:
        out = []
        for path, r in items:
            if not isinstance(r, dict):
                raise Invalid(f"a resource must be an object, not {kind_of(r)}", path)
            rtype = r.get("type")
            if not isinstance(rtype, str):
                raise Invalid(f"must be a string, not {kind_of(rtype)}", (*path, "type"))
            if parent is not None and not rtype.startswith("Microsoft."):
                rtype = f"{parent.rtype}/{rtype}"  # a nested child names its type relatively
            children = r.get("resources", [])
            if not isinstance(children, list):
                raise Invalid(f"must be an array, not {kind_of(children)}", (*path, "resources"))
            for loops in self._copies(r, path, parent.loops if parent else {}, rtype in wanted):
                segments = [*(parent.segments if parent else []), r.get("name")]
                instance = Instance(r, rtype, segments, path, loops)
                if rtype in wanted:
                    out.append(instance)
                nested = [((*path, "resources", j), c) for j, c in enumerate(children)]
                out += self._instances(nested, wanted, instance)
        return out

    def _copies(self, r: dict, path: tuple, outer: dict, wanted: bool) -> list[dict]:
        """The copy indexes each instance of a resource sees: one instance without `copy`."""
        copy, instances = r.get("copy"), [outer]
        if copy is not None:
            if not isinstance(copy, dict) or not isinstance(copy.get("name"), str):
                raise Invalid("must be an object with a name and a count", (*path, "copy"))
            try:
                count = self.count(copy.get("count"), (*path, "copy", "count"), outer)
            except Unresolved as exc:
                if wanted:
                    raise Invalid(f"cannot read the copy count: {exc}", (*path, "copy")) from None
                count = 1  # another type of resource: counted once towards the limit
            name = copy["name"].lower()
            instances = [{**outer, "": i, name: i} for i in range(count)]
        self.resources += len(instances)
        if self.resources > MAX_RESOURCES:
            raise Invalid(
                f"the template holds more than {MAX_RESOURCES} resources with copies counted; "
                f"ARM's limit is {MAX_RESOURCES}",
                path,
            )
        return instances


def _is_loop(item: Any) -> bool:
    """A property `copy` that is a property loop (rather than a property named copy)."""
    return isinstance(item, list) and any(
        isinstance(s, dict) and _LOOP_KEYS & s.keys() for s in item
    )


def _loop_specs(specs: Any, path: tuple) -> list[dict]:
    if not isinstance(specs, list):
        raise Invalid(f"must be an array of copy loops, not {kind_of(specs)}", path)
    for j, spec in enumerate(specs):
        if not isinstance(spec, dict) or not spec.keys() >= _LOOP_KEYS:
            raise Invalid("a copy loop needs a name, a count and an input", (*path, j))
        if not isinstance(spec["name"], str):
            raise Invalid(f"must be a string, not {kind_of(spec['name'])}", (*path, j, "name"))
    return specs
