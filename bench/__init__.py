"""Benchmarks and a synthetic-province generator.

    python -m bench [name ...] [--json] [--param key=value ...] [--database-url URL]
    python -m bench.generate --agencies 200 --staff-per-agency 5 [--prefix Z01] [--documents N]

Both set Django up themselves; see bench/harness.py and bench/generate.py."""

from __future__ import annotations

import os

SETTINGS_MODULE = "config.settings"


def setup_django(database_url: str | None = None) -> None:
    """Point Django at `database_url` (if given) and set it up; settings read the
    environment at import, so this must run before anything imports Django models."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def unapplied_migrations() -> list[str]:
    """Migrations not yet applied to the default database ("app.name")."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def migrate_quietly() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
