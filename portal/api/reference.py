"""The reference page's content, read from the OpenAPI document (so it cannot drift from it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    scopes: list[str]
    parameters: list[Parameter]
    body: str | None  # the request body's schema name
    responses: list[tuple[str, str, str]]  # status, description, schema name


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool
    notes: str


@dataclass(frozen=True)
class SchemaDoc:
    name: str
    properties: list[Property]


def _ref_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_ref_name(schema.get('items'))}"
    return type_text(schema)


def type_text(schema: dict[str, Any]) -> str:
    """A schema's type as people read it: "string or null", "list of Referral"."""
    if "$ref" in schema or schema.get("type") == "array":
        return _ref_name(schema)
    kind = schema.get("type", "object")
    kinds = kind if isinstance(kind, list) else [kind]
    text = " or ".join(str(k) for k in kinds)
    if schema.get("format"):
        text += f" ({schema['format']})"
    return text


def _notes(schema: dict[str, Any]) -> str:
    notes = []
    if "enum" in schema:
        notes.append("one of " + ", ".join(str(v) for v in schema["enum"]))
    for key, words in (
        ("minLength", "at least {} characters"),
        ("maxLength", "at most {} characters"),
        ("minimum", "from {}"),
        ("maximum", "up to {}"),
        ("pattern", "matching {}"),
    ):
        if key in schema:
            notes.append(words.format(schema[key]))
    if schema.get("description"):
        notes.insert(0, str(schema["description"]))
    return "; ".join(notes)


def _content_schema(content: dict[str, Any] | None) -> dict[str, Any] | None:
    if not content:
        return None
    return next(iter(content.values())).get("schema")


def _anchor(method: str, path: str) -> str:
    """An id for the operation's section: "op-get-api-v1-referrals-ref" (valid in a URL)."""
    return "op-" + re.sub(r"[^a-z0-9]+", "-", f"{method} {path}".lower()).strip("-")


def operations(document: dict[str, Any]) -> list[Operation]:
    """Every operation of the document, in path order."""
    shared = document.get("components", {}).get("responses", {})
    found = []
    for path, item in sorted(document.get("paths", {}).items()):
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                Parameter(
                    p["name"],
                    p["in"],
                    bool(p.get("required")),
                    type_text(p.get("schema", {})),
                    _notes(
                        p.get("schema", {})
                        | ({"description": p["description"]} if p.get("description") else {})
                    ),
                )
                for p in [*item.get("parameters", []), *op.get("parameters", [])]
            ]
            body = op.get("requestBody")
            responses = []
            for status, response in op.get("responses", {}).items():
                if "$ref" in response:
                    response = shared.get(response["$ref"].rsplit("/", 1)[-1], {})
                schema = _content_schema(response.get("content"))
                responses.append((status, response.get("description", ""), _ref_name(schema)))
            security = op.get("security") or []
            found.append(
                Operation(
                    anchor=_anchor(method, path),
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    scopes=[
                        scope for entry in security for scopes in entry.values() for scope in scopes
                    ],
                    parameters=params,
                    body=_ref_name(_content_schema(body.get("content"))) if body else None,
                    responses=responses,
                )
            )
    return found


def schemas(document: dict[str, Any]) -> list[SchemaDoc]:
    """Every schema of the document with its properties."""
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        found.append(
            SchemaDoc(
                name,
                [
                    Property(prop, type_text(spec), prop in required, _notes(spec))
                    for prop, spec in schema.get("properties", {}).items()
                ],
            )
        )
    return found
