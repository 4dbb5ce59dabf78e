"""Reading request data: JSON bodies and query parameters, with text no database can store
refused before any schema sees it (and NaN and Infinity, which are not JSON, as unreadable).

`json.loads` turns `"\\u0000"` into a NUL and `"\\ud800"` (or the bytes of an encoded surrogate)
into an unpaired surrogate; PostgreSQL refuses the first and no database takes the second. This
one check covers every operation, whatever its schema declares (typed fields, free-form objects
such as the tracker's webhook or a simulated ticket), and answers 422 naming the field.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

from caredesk.core import text

UNSTORABLE = "unstorable_text"  # the error type, mapped to the message itself by problems.py


def _refuse(where: str, found: tuple[text.Path, str]) -> ValidationError:
    path, why = found
    return ValidationError([{"loc": (where, *path), "msg": why, "type": UNSTORABLE}])


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")  # Python's reader takes NaN and Infinity


class StorableTextParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data: Any = json.loads(request.body, parse_constant=_not_json)
        found = text.find_problem(data)
        if found:
            # ninja answers any error raised here as an unreadable body (400); problems.py
            # finds this one as the cause and answers 422 with the field instead
            raise _refuse("body", found)
        return cast(dict[str, Any], data)

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        found = text.find_problem(result)
        if found:
            raise _refuse("query", found)
        return result
