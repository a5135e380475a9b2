"""Python code compared by what it does: its syntax tree, without docstrings, comments or positions.

The cache keys (:mod:`.cache`) and the playground's export digest (:mod:`.pages.playground`)
hash code this way, so a formatting or documentation change retrains nothing.
"""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

__all__ = ["code_dump", "function_code"]

_BODY_OWNERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def code_dump(tree: ast.Module) -> str:
    """``ast.dump`` of ``tree`` (no line or column numbers) with every docstring left out.

    ``tree`` itself is not changed.
    """
    tree = copy.deepcopy(tree)
    for node in ast.walk(tree):
        if isinstance(node, _BODY_OWNERS) and node.body and _is_docstring(node.body[0]):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False)


def function_code(function: Callable[..., Any]) -> str:
    """:func:`code_dump` of a function's (or class's) own source."""
    return code_dump(ast.parse(textwrap.dedent(inspect.getsource(function))))
