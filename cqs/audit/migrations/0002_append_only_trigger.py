"""Makes the audit log append-only in the database itself.

A chain never forks (unique prev_hash) on every database. On PostgreSQL a trigger also
refuses UPDATE and DELETE on the event table, whoever sends them. TRUNCATE is left to the
table owner (test runners empty tables with it); revoke it from the application role in
production."""

from django.db import migrations, models

TABLE = "audit_auditevent"
FUNCTION = "audit_auditevent_refuse_change"
TRIGGER = "audit_auditevent_append_only"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'Nhật ký kiểm toán chỉ được ghi thêm: ' || TG_OP || ' bị từ chối trên {TABLE}.',
        ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

UNINSTALL = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def uninstall_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_audit_chain"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="audit_event_prev_hash_unique"),
        ),
        migrations.RunPython(install_trigger, uninstall_trigger),
    ]
