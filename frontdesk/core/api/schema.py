"""The published OpenAPI schema (drf-spectacular): the contract a client is written from.

Three things are added here once for every operation rather than on each view:

- the error responses, all with the one error shape of `frontdesk.core.api.errors`
  (the `Error` component): 400 (messages per field), 401 (no or a bad token),
  403 (the role may not), 404 (a row that is not in the caller's projects, for
  an operation on one row or that names one), 413 (a body too large), 415 (a
  body in a media type the operation does not read), 429 (a
  rate-limited endpoint), and on every write the `Idempotency-Key` header with
  its 409 (the first request is still running) and 422 (the key was used for
  another request);
- components that no operation uses are left out;
- the schema is served in English unless `?lang=zh-hans` asks otherwise
  (`frontdesk.core.api.views.DeskSchemaView`), so that one schema speaks one
  language (Chinese terms of the desk appear where they help, in the
  descriptions themselves).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from ..idempotency import HEADER as IDEMPOTENCY_HEADER

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Every refusal of the API, whatever its status: messages under the name of the "
        "field they are about (a field inside a list or an object is named by its path, "
        "`persons.0.name`), and under `non_field_errors` those about the request as a whole."
    ),
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"matter": ["This field is required."]},
}
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}

WRITES = {"POST", "PUT", "PATCH"}

DESCRIPTIONS = {
    "400": "The request was refused: messages per field (or under `non_field_errors`).",
    "401": "No valid token or session: authenticate (`Authorization: Token <key>`).",
    "403": "Authenticated, but the caller's role may not do this.",
    "404": "No such row in the caller's projects (or no such address).",
    "409": "A request with the same `Idempotency-Key` is still running: retry shortly.",
    "413": "The request body is larger than the server accepts.",
    "415": "The body's media type is not one this operation reads: send `application/json`.",
    "422": "The `Idempotency-Key` was already used for another request: use a new key.",
    "429": "Too many attempts: wait and retry.",
}


def error_response(code: int | str) -> dict[str, Any]:
    """The OpenAPI response object of an error status, in the one error shape."""
    return {
        "description": DESCRIPTIONS[str(code)],
        "content": {"application/json": {"schema": dict(ERROR_REF)}},
    }


def _blank_model_field(field: Any) -> bool:
    """Whether a serializer field reads a model field that may be blank."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = getattr(field, "source", "") or ""
    if model is None or not source or "." in source:
        return False
    try:
        return bool(model._meta.get_field(source).blank)
    except FieldDoesNotExist:
        return False


class DeskAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding to each operation the errors it may answer."""

    # An operation without a path parameter that still answers 404 (a report of a
    # period not issued) says so on its view: `extend_schema(responses={404: None})`.

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        # DRF leaves `allow_blank` off a read-only choice field of a model: a blank value
        # the model allows is still answered, so the schema must allow it too.
        if (
            isinstance(field, serializers.ChoiceField)
            and field.read_only
            and isinstance(schema.get("enum"), list)
            and "" not in schema["enum"]
            and _blank_model_field(field)
        ):
            schema["enum"] = [*schema["enum"], ""]
        return schema

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        registry.register_on_missing(
            ResolvedComponent(
                name=ERROR_COMPONENT,
                type=ResolvedComponent.SCHEMA,
                object=ERROR_COMPONENT,
                schema=ERROR_SCHEMA,
            )
        )
        responses = operation.setdefault("responses", {})
        codes = ["400", "401"]
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes.append("403")
        if "{" in path or "404" in responses:
            codes.append("404")
        if method in WRITES:
            codes += ["409", "413", "415", "422"]
            operation.setdefault("parameters", []).append(
                {
                    "in": "header",
                    "name": IDEMPOTENCY_HEADER,
                    "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    "description": (
                        "Any string of the client's (a UUID): a repeat of the same request "
                        "with the same key is done once and answered as the first was."
                    ),
                }
            )
        if getattr(self.view, "throttle_scope", None):
            codes.append("429")
        for code in codes:
            responses[code] = error_response(code)
        return operation


def _refs(node: Any, into: set[str]) -> set[str]:
    """The names of the components that a piece of the schema refers to."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
            into.add(ref.removeprefix(COMPONENT_PREFIX))
        for value in node.values():
            _refs(value, into)
    elif isinstance(node, list):
        for value in node:
            _refs(value, into)
    return into


COMPONENT_PREFIX = "#/components/schemas/"


def drop_unused_components(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Postprocessing hook: keep only the schema components an operation reaches."""
    schemas: dict[str, Any] = result.get("components", {}).get("schemas", {})
    reached = _refs(result.get("paths", {}), set())
    pending = list(reached)
    while pending:
        for inner in _refs(schemas.get(pending.pop(), {}), set()):
            if inner not in reached:
                reached.add(inner)
                pending.append(inner)
    for name in list(schemas):
        if name not in reached:
            del schemas[name]
    return result
