"""The table of ARM template functions that depend on their arguments alone (strings, arrays,
objects, comparisons, logic, numbers and conversions), as azure-docs describes them
(articles/azure-resource-manager/templates/template-functions-*.md).

Each takes the evaluated arguments and the scope (to charge what it builds against the 4 MB a
template may expand to) and returns a JSON value, or raises Invalid in ARM's terms: a wrong
number of arguments, a wrong type, an index outside an array. `if` is not here: only its chosen
branch is evaluated (planner.export.evaluator). Text comparisons in equals(), contains() on arrays
and union() are exact, as in ARM; property names are case-insensitive.
"""

from __future__ import annotations

from acgsim.planner.export.collection_functions import COLLECTION_FUNCTIONS
from acgsim.planner.export.function_values import Function
from acgsim.planner.export.scalar_functions import SCALAR_FUNCTIONS
from acgsim.planner.export.string_functions import STRING_FUNCTIONS

FUNCTIONS: dict[str, Function] = {**STRING_FUNCTIONS, **COLLECTION_FUNCTIONS, **SCALAR_FUNCTIONS}
