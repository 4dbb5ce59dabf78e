"""Encrypt the video session IDs written before encryption and fill their blind index."""

from django.db import migrations

BATCH = 500


def encrypt_existing(apps, schema_editor):
    from caredesk.core.phi import index_of
    from caredesk.core.phi_crypto import is_token

    VideoFailure = apps.get_model("intake", "VideoFailure")
    batch = []
    for row in VideoFailure.objects.only("pk", "session_id").iterator(chunk_size=BATCH):
        if not row.session_id or is_token(row.session_id):
            continue
        row.session_id_index = index_of(VideoFailure, "session_id", row.session_id)
        batch.append(row)
        if len(batch) >= BATCH:
            VideoFailure.objects.bulk_update(batch, ["session_id", "session_id_index"])
            batch = []
    if batch:
        VideoFailure.objects.bulk_update(batch, ["session_id", "session_id_index"])


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_video_session_encrypted")]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
