"""Lookups the ORM lacks.

`in_bigint` — ``owner_id__in_bigint=[3, 7]``: the same rows as ``__in``. On PostgreSQL it is
written ``owner_id = %s::bigint`` (one value) or ``owner_id = ANY(%s::bigint[])``. Django
writes ``owner_id IN (3)`` with an int4 literal, which PostgreSQL turns into ``owner_id = 3``,
a bigint = int4 comparison: btree indexes accept it (their operator family is cross-type) but
a GIN index built with btree_gin does not (its ``int8_ops`` class has ``int8 = int8`` only),
so the document search index over (owner_id, search_vector) could not use the owner part,
and a clerk's search read the posting lists of its words over every agency."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import ForeignKey
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler

if TYPE_CHECKING:
    _In = In[Any]
else:
    _In = In  # not subscriptable at run time


class BigIntIn(_In):
    lookup_name = "in_bigint"

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        if self.rhs_is_direct_value():
            values = sorted({int(value) for value in self.rhs if value is not None})
            if not values:
                raise EmptyResultSet
            lhs, lhs_params = self.process_lhs(compiler, connection)
            if len(values) == 1:
                # An equality, not an array: PostgreSQL (before 17) can read an index in order
                # after "= value" but not after "= ANY(array)", even of one element.
                return f"{lhs} = %s::bigint", (*lhs_params, values[0])
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, values)
        return super().as_sql(compiler, connection)


def register() -> None:
    """Make `in_bigint` available on every foreign key (called from CoreConfig.ready)."""
    ForeignKey.register_lookup(BigIntIn)
