"""The three shapes the same Activity Log is kept in, read field by field in each one's own words.

- `az monitor activity-log list -o json` (and the REST API, the portal's JSON): camelCase with
  {value, localizedValue} pairs: operationName, status, subStatus, eventTimestamp, correlationId,
  resourceId, subscriptionId, eventDataId, properties {statusCode, requestbody}.
- Archived by a diagnostic setting to a storage account (insights-activity-logs/.../PT1H.json: one
  record a line) or streamed to Event Hubs ({"records": [...]}), in the resource-log schema: time,
  operationName (a string, often upper case), resultType (Start, Accept, Success, Failure),
  resultSignature ("Accepted.Created": the status, a dot, the sub-status), correlationId,
  resourceId, properties {statusCode, ...}; no subscriptionId or eventDataId of their own.
- Sent to a Log Analytics workspace, the AzureActivity table, as `az monitor log-analytics query
  -o json` prints its rows: TimeGenerated, OperationNameValue, ActivityStatusValue,
  ActivitySubstatusValue, CorrelationId, _ResourceId, SubscriptionId, EventDataId, and the
  properties as Properties_d (or the older Properties), often a JSON string.

Each shape names its own fields, so a bad row is refused in the words of the file the user has.
Statuses are read alike: Start/Started, Accept/Accepted, Success/Succeeded, Failure/Failed,
Cancel/Canceled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from acgsim.sim.calibrate.documents import refuse, text_of

STATUS = {
    "start": "started",
    "accept": "accepted",
    "success": "succeeded",
    "failure": "failed",
    "cancel": "canceled",
    "cancelled": "canceled",
}


@dataclass(frozen=True)
class Shape:
    """Where one shape keeps each field pairing needs (the names its rows use)."""

    name: str
    operation: str
    status: str
    sub_status: str
    time: str
    correlation: str
    resource: tuple[str, ...]
    subscription: str | None
    event_id: str | None
    properties: tuple[str, ...]

    def matches(self, item: dict) -> bool:
        return self.operation in item and self.time in item


AZ = Shape(
    "az monitor activity-log list",
    "operationName",
    "status",
    "subStatus",
    "eventTimestamp",
    "correlationId",
    ("resourceId",),
    "subscriptionId",
    "eventDataId",
    ("properties",),
)
RESOURCE_LOG = Shape(
    "the resource-log schema (storage account or Event Hubs)",
    "operationName",
    "resultType",
    "resultSignature",
    "time",
    "correlationId",
    ("resourceId",),
    None,
    None,
    ("properties",),
)
AZURE_ACTIVITY = Shape(
    "Log Analytics' AzureActivity table",
    "OperationNameValue",
    "ActivityStatusValue",
    "ActivitySubstatusValue",
    "TimeGenerated",
    "CorrelationId",
    ("_ResourceId", "ResourceId"),
    "SubscriptionId",
    "EventDataId",
    ("Properties_d", "Properties"),
)
SHAPES = (AZURE_ACTIVITY, RESOURCE_LOG, AZ)


def shape_of(item: Any) -> Shape | None:
    """The shape an activity-log item is in, or None when it is no activity-log event.
    The resource-log schema is told from az's by `time` (az's events have eventTimestamp)."""
    if not isinstance(item, dict):
        return None
    if AZURE_ACTIVITY.matches(item):
        return AZURE_ACTIVITY
    if "resultType" in item and "time" in item and "operationName" in item:
        return RESOURCE_LOG
    if "operationName" in item or "eventTimestamp" in item:
        return AZ
    return None


def records(item: Any) -> list | None:
    """The events of an Event Hubs payload or an older PT1H.json ({"records": [...]}), else None."""
    if isinstance(item, dict) and isinstance(item.get("records"), list) and not shape_of(item):
        return item["records"]
    return None


def operation(shape: Shape, item: dict, where: str) -> str:
    return text_of(item.get(shape.operation), where, _named(shape, shape.operation)).lower()


def fields(shape: Shape, item: dict, where: str) -> dict:
    """The fields pairing needs, read in `shape`'s words; each bad one is refused by its name."""
    status = text_of(item.get(shape.status), where, _named(shape, shape.status)).lower()
    sub = text_of(item.get(shape.sub_status), where, _named(shape, shape.sub_status), False)
    if shape is RESOURCE_LOG:  # "Accepted.Created": the sub-status follows the dot
        sub = sub.split(".", 1)[1] if "." in sub else ""
    resource_field = next((f for f in shape.resource if item.get(f)), shape.resource[0])
    return {
        "status": STATUS.get(status, status),
        "sub_status": sub.lower(),
        "time": item.get(shape.time),
        "time_field": shape.time,
        "correlation": text_of(item.get(shape.correlation), where, shape.correlation).lower(),
        "resource": text_of(item.get(resource_field), where, resource_field),
        "subscription": item.get(shape.subscription) if shape.subscription else None,
        "id": str(item.get(shape.event_id) or "") if shape.event_id else "",
        "properties": _properties(shape, item, where),
    }


def _named(shape: Shape, field: str) -> str:
    return f"{field}.value" if shape is AZ else field


def _properties(shape: Shape, item: dict, where: str) -> dict:
    """The event's properties: an object, or (Log Analytics) a JSON string of one. A string that
    is not JSON (Log Analytics cuts long ones) gives none: the status code is then unknown."""
    for name in shape.properties:
        value = item.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return {}
        if not isinstance(value, dict):
            raise refuse(where, name, "expected an object (or a JSON string of one)")
        return value
    return {}
