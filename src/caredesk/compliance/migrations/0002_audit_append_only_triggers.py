"""The database itself refuses to change audit entries.

PostgreSQL: a trigger refuses UPDATE and DELETE on compliance_auditentry, except a DELETE inside
the retention purge's transaction (which sets `caredesk.audit_purge` locally). SQLite: a trigger
refuses UPDATE (deletes stay possible there, for the purge and for emptying a test database).
Someone who owns the database can still drop a trigger; the hash chain and the signed
checkpoints are what catch that.
"""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION compliance_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('caredesk.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_audit_append_only
    BEFORE UPDATE OR DELETE ON compliance_auditentry
    FOR EACH ROW EXECUTE FUNCTION compliance_audit_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS compliance_audit_append_only ON compliance_auditentry;
DROP FUNCTION IF EXISTS compliance_audit_append_only();
"""
SQLITE_CREATE = """
CREATE TRIGGER compliance_audit_append_only BEFORE UPDATE ON compliance_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS compliance_audit_append_only;"


def _run(statements: dict[str, str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):
        sql = statements.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_audit_chain")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_CREATE, "sqlite": SQLITE_CREATE}),
            _run({"postgresql": PG_DROP, "sqlite": SQLITE_DROP}),
        )
    ]
