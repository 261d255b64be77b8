"""An ARM template's values evaluated within ARM's own limits: parameters, variables, copy loops
in variables and properties, and user-defined functions.

A template to import is someone else's file, so evaluating it is bounded the way ARM bounds it:
each variable and parameter is evaluated once (memoised), so references that fan out cost what the
template says, not 2**n; a variable that refers to itself is refused with the cycle named; copy
counts stop at ARM's 800, resources (copies counted) at 800; and every character evaluation builds
or places into the resources counts towards ARM's 4 MB for a template after expansion (a Budget,
shared with the templates nested in it). Parameters and variables are looked up
case-insensitively, as in ARM.

A parameter's value is the one supplied (planner.export.parameters: a parameters file, --set),
else its defaultValue. With neither, a strict template (an import) refuses where the value is
needed, naming the parameter; a lenient one (`plan --against`) treats it as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from acgsim.planner.export import parameters as declared_values
from acgsim.planner.export.evaluator import evaluate
from acgsim.planner.export.expressions import (
    MAX_NESTING,
    Invalid,
    MissingValue,
    NeedsLocation,
    Unresolved,
    is_expression,
    kind_of,
    parse,
    quote,
)
from acgsim.planner.export.scope_functions import Context

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
UNKNOWN = object()  # a supplied value that depends on a deployment (a nested template's input)


class Missing:
    """In an evaluated tree: a value that needs a parameter nobody gave. The importer refuses it
    where it reads the value, and only lists it where acgsim ignores the property."""

    def __init__(self, error: MissingValue):
        self.error = error


class Unknown:
    """In an evaluated tree read with `keep_unknown`: a value that depends on the deployment
    (reference(), utcNow(), a module's output...). The importer refuses it where it reads the
    value (a default there would be a silent misreading) and notes it elsewhere."""

    def __init__(self, reason: str, path: tuple, expr: Any):
        self.reason, self.path, self.expr = reason, path, expr


@dataclass
class Budget:
    """What one import may spend, shared by a template and those nested in it."""

    spent: int = 0  # characters built or placed, against MAX_TEMPLATE_CHARS
    depth: int = 0  # against MAX_NESTING
    resources: int = 0  # instances, against MAX_RESOURCES
    needs_location: bool = False  # resourceGroup().location was asked for and is unknown
    notes: list[str] = field(default_factory=list)


class Template:
    """One template's values: `value` and `tree` evaluate, `reference` looks names up."""

    def __init__(
        self,
        template: dict,
        values: dict[str, Any] | None = None,
        context: Context | None = None,
        strict: bool = False,
        budget: Budget | None = None,
    ):
        self.template = template
        self.context = context or Context()
        self.strict = strict
        self.budget = budget or Budget()
        self.parameters = self._declared(template, "parameters", MAX_PARAMETERS)
        self.variables = self._declared(template, "variables", MAX_VARIABLES)
        self.functions = _user_functions(template.get("functions"))
        self.loops: dict[str, tuple[dict, tuple]] = {}  # variable copy loops: name -> spec, path
        copies = self.variables.pop("copy", (None, ""))[0]
        if copies is not None:
            for j, spec in enumerate(_loop_specs(copies, ("variables", "copy"))):
                if spec["name"].lower() in self.variables or spec["name"].lower() in self.loops:
                    raise Invalid("names a variable twice", ("variables", "copy", j, "name"))
                self.loops[spec["name"].lower()] = (spec, ("variables", "copy", j))
        self.supplied: dict[str, Any] = {}
        for name, value in (values or {}).items():
            if name.lower() not in self.parameters:
                raise Invalid(
                    f"a value is given for '{quote(name)}', which the template does not declare "
                    "as a parameter (ARM refuses it too)",
                    ("parameters",),
                )
            declaration, written = self.parameters[name.lower()]
            if value is not UNKNOWN and not isinstance(
                value, (declared_values.KeyVaultSecret, Missing)
            ):
                try:
                    value = declared_values.check(written, value, declaration)
                except Invalid as exc:
                    exc.path = ("parameters", written)
                    raise
            self.supplied[name.lower()] = value
        self.memo: dict[tuple[str, str], Any] = {}
        self.active: list[tuple[str, str]] = []  # references being evaluated, to find cycles

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
        except NeedsLocation:
            self.budget.needs_location = True
            raise
        except Invalid as exc:
            if exc.path is None:
                exc.path, exc.expr = path, value
            raise
        return result

    def tree(
        self, node: Any, path: tuple, loops: dict | None = None, keep_unknown: bool = False
    ) -> Any:
        """A value and everything inside it, expressions evaluated and property copy loops
        expanded; an expression that depends on a deployment becomes None (an Unknown with
        `keep_unknown`)."""
        self.enter(path)
        try:
            if isinstance(node, dict):
                self.charge(1, path)
                out = {}
                for key, item in node.items():
                    if key.lower() == "copy" and _is_loop(item):
                        for j, spec in enumerate(_loop_specs(item, (*path, key))):
                            out[spec["name"]] = self.iterate(
                                spec, (*path, key, j), loops, keep_unknown
                            )
                    else:
                        out[key] = self.tree(item, (*path, key), loops, keep_unknown)
                return out
            if isinstance(node, list):
                self.charge(1, path)
                return [
                    self.tree(item, (*path, i), loops, keep_unknown) for i, item in enumerate(node)
                ]
            try:
                return self.value(node, path, loops)
            except Unresolved as exc:
                return Unknown(str(exc), path, node) if keep_unknown else None
            except MissingValue as exc:
                return Missing(exc)  # an error only where the importer reads the value
        finally:
            self.leave()

    def iterate(
        self, spec: dict, path: tuple, loops: dict | None, keep_unknown: bool = False
    ) -> Any:
        """A copy loop's array (None, or an Unknown, if its count depends on a deployment)."""
        try:
            count = self.count(spec["count"], (*path, "count"), loops)
        except Unresolved as exc:
            return Unknown(str(exc), (*path, "count"), spec["count"]) if keep_unknown else None
        name = spec["name"].lower()
        return [
            self.tree(spec["input"], (*path, "input"), {**(loops or {}), name: i}, keep_unknown)
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
            result = self._lookup(section, key[1])
        except Unresolved as exc:
            self.memo[key] = exc  # asked again, it fails again at once
            raise
        finally:
            self.leave()
            self.active.pop()
        self.memo[key] = result
        return result

    def _lookup(self, section: str, key: str) -> Any:
        if section == "variables" and key in self.loops:
            return self.iterate(*self.loops[key], None)
        declared, written = (self.parameters if section == "parameters" else self.variables)[key]
        path: tuple = (section, written)
        if section == "parameters":
            if key in self.supplied:
                if self.supplied[key] is UNKNOWN:
                    raise Unresolved(f"parameters('{written}') depends on the deployment")
                if isinstance(self.supplied[key], Missing):  # passed on by a nested deployment
                    message = self.supplied[key].error.message
                    raise MissingValue(message) if self.strict else Unresolved(message)
                if isinstance(self.supplied[key], declared_values.KeyVaultSecret):
                    message = self.supplied[key].message()
                    raise MissingValue(message) if self.strict else Unresolved(message)
                return self.supplied[key]
            if "defaultValue" not in declared:
                message = (
                    f"parameters('{written}') has no value: the template gives no defaultValue; "
                    f"give one with --parameters FILE or --set {written}=VALUE"
                )
                raise MissingValue(message) if self.strict else Unresolved(message)
            declared, path = declared["defaultValue"], (*path, "defaultValue")
        # a value that depends on a deployment stays Unresolved; inside an object, None
        deep = isinstance(declared, (dict, list))
        try:
            result = (self.tree if deep else self.value)(declared, path)
        except NeedsLocation:
            raise
        except Unresolved as exc:  # say which parameter to give, not only the function
            if section != "parameters" or str(exc).startswith("parameters("):
                raise
            raise Unresolved(
                f"parameters('{written}') defaults to {exc}, known only to a deployment; "
                f"give it with --set {written}=VALUE"
            ) from None
        if section == "parameters" and self.strict and result is not None:
            try:
                declared_values.check(written, result, self.parameters[key][0])
            except Invalid as exc:
                exc.path = path
                raise
        return result

    def call(self, name: str, args: list) -> Any:
        """A user-defined function (`functions` in the template): its output, evaluated with its
        own parameters and none of the template's variables, as ARM evaluates it."""
        spec = self.functions.get(name.lower())
        if spec is None:
            raise Invalid(f"{name}(): the template defines no such function")
        params = spec.get("parameters") or []
        if len(params) != len(args):
            raise Invalid(f"{name}() takes {len(params)} argument(s), got {len(args)}")
        names = [p.get("name") if isinstance(p, dict) else None for p in params]
        if not all(isinstance(n, str) for n in names):
            raise Invalid(f"{name}(): each of its parameters needs a name")
        output = spec.get("output")
        if not isinstance(output, dict) or "value" not in output:
            raise Invalid(f"{name}(): the function has no output value")
        inner = Template(
            {"parameters": {n: {"type": "object"} for n in names}},
            context=self.context,
            budget=self.budget,
        )
        inner.functions = self.functions
        inner.supplied = {n.lower(): a for n, a in zip(names, args, strict=True)}
        try:
            return inner.tree(output["value"], ("functions", name, "output", "value"))
        except Invalid as exc:  # located at the expression that called the function
            raise Invalid(f"in {name}(): {exc.message}") from None

    def note(self, text: str) -> None:
        """A note for the scenario's description (each said once)."""
        if text not in self.budget.notes:
            self.budget.notes.append(text)

    def charge(self, value: Any, path: tuple | None) -> None:
        """Counts a value (strings by their length) against MAX_TEMPLATE_CHARS."""
        stack = [value]
        budget = self.budget
        while stack:
            item = stack.pop()
            budget.spent += len(item) if isinstance(item, str) else 1
            if budget.spent > MAX_TEMPLATE_CHARS:
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
        self.budget.depth += 1
        if self.budget.depth > MAX_NESTING:
            self.budget.depth -= 1
            raise Invalid(
                f"nests more than {MAX_NESTING} deep, counting values in values, calls in calls "
                f"and variables that refer to variables; the limit is {MAX_NESTING}",
                path,
            )

    def leave(self) -> None:
        self.budget.depth -= 1


def _user_functions(spec: Any) -> dict[str, dict]:
    """`functions`: [{namespace, members: {name: {parameters, output}}}] -> 'ns.name' -> member."""
    if spec is None:
        return {}
    if not isinstance(spec, list):
        raise Invalid(f"must be an array of namespaces, not {kind_of(spec)}", ("functions",))
    out = {}
    for j, ns in enumerate(spec):
        members = ns.get("members") if isinstance(ns, dict) else None
        if not isinstance(ns, dict) or not isinstance(ns.get("namespace"), str):
            raise Invalid("a function namespace needs a name", ("functions", j))
        if not isinstance(members, dict):
            raise Invalid("must be an object of functions", ("functions", j, "members"))
        for name, member in members.items():
            if not isinstance(member, dict):
                raise Invalid("must be an object", ("functions", j, "members", name))
            out[f"{ns['namespace']}.{name}".lower()] = member
    return out


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
