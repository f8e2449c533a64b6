"""`clusterloom backup` / `clusterloom restore`: a round trip through a wiped install, and
archives that are damaged, tampered with or from a newer schema refused with nothing changed.

Runs on whichever database the suite runs on (SQLite locally, PostgreSQL in CI's second pass).
"""

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from clusterloom.core.backup import _row_counts
from clusterloom.directory.models import Organisation
from clusterloom.directory.tests.factories import OrganisationFactory
from clusterloom.matching.models import MatchIndexState

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def install(tmp_path, settings, monkeypatch):
    """A small install: reference data, two organisations, an uploaded file, a secret key."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.VAR_DIR.mkdir()
    (settings.VAR_DIR / "secret_key").write_text(settings.SECRET_KEY)
    certificate = settings.MEDIA_ROOT / "labels" / "7" / "certificate.pdf"
    certificate.parent.mkdir(parents=True)
    certificate.write_bytes(b"%PDF-1.4 the certificate\n")
    OrganisationFactory(name="Backup Textile Cluster")
    OrganisationFactory(name="Restored Robotics Hub")
    return settings


def _wipe(settings) -> None:
    """Lose everything: every table, the uploaded files, the key file."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    shutil.rmtree(settings.MEDIA_ROOT)
    (settings.VAR_DIR / "secret_key").unlink()


def _backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", out=str(path), stdout=out)
    return out.getvalue()


def _restore(path: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_backup_wipe_restore_round_trip(reference_data, install, tmp_path, client):
    settings = install
    key = settings.SECRET_KEY
    before = _row_counts()
    generation = MatchIndexState.objects.get(pk=1).generation
    archive = tmp_path / "tonight.tar.gz"
    said = _backup(archive)
    assert f"Backed up {connection.vendor} database" in said
    assert "1 uploaded files" in said
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["rows"] == before
    assert manifest["rows"]["directory_organisation"] == 2
    assert "core" in manifest["migrations"]
    assert set(manifest["files"]) >= {"secret_key", "media/labels/7/certificate.pdf"}
    assert archive.stat().st_mode & 0o077 == 0  # it holds the key and personal data

    _wipe(settings)
    said = _restore(archive)

    assert "Restored the backup of" in said
    assert f"{sum(before.values())} rows" in said
    after = _row_counts()
    assert {t: after[t] for t in before if t != "core_contentversion"} == {
        t: n for t, n in before.items() if t != "core_contentversion"
    }
    restored_file = settings.MEDIA_ROOT / "labels" / "7" / "certificate.pdf"
    assert restored_file.read_bytes() == b"%PDF-1.4 the certificate\n"
    assert (settings.VAR_DIR / "secret_key").read_text() == key
    # Every process rebuilds its partner index from the restored profiles.
    assert MatchIndexState.objects.get(pk=1).generation != generation
    # The site serves the restored data.
    page = client.get("/organisations/?q=Restored")
    assert page.status_code == 200
    assert "Restored Robotics Hub" in page.content.decode()


def _repack(archive: Path, out: Path, change) -> None:
    """Copy an archive member by member, letting `change(name, data)` alter each."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def _unchanged_after(archive: Path, settings, message: str) -> None:
    rows = _row_counts()
    with pytest.raises(CommandError, match=message) as raised:
        _restore(archive)
    assert "nothing was changed" in str(raised.value)
    assert _row_counts() == rows
    assert Organisation.objects.filter(name="Backup Textile Cluster").exists()
    assert (settings.MEDIA_ROOT / "labels" / "7" / "certificate.pdf").exists()


def test_a_damaged_archive_is_refused_and_nothing_changes(install, tmp_path):
    archive = tmp_path / "b.tar.gz"
    _backup(archive)
    OrganisationFactory(name="Made after the backup")
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    archive.write_bytes(bytes(data))
    _unchanged_after(archive, install, "is damaged")
    assert Organisation.objects.filter(name="Made after the backup").exists()


def test_a_member_whose_checksum_differs_is_refused(install, tmp_path):
    archive, tampered = tmp_path / "b.tar.gz", tmp_path / "t.tar.gz"
    _backup(archive)

    def change(name, data):
        return b"%PDF-1.4 forged\n" if name.endswith("certificate.pdf") else data

    _repack(archive, tampered, change)
    _unchanged_after(tampered, install, "checksum of media/labels/7/certificate.pdf does not match")


def test_a_member_missing_from_the_manifest_is_refused(install, tmp_path):
    archive, tampered = tmp_path / "b.tar.gz", tmp_path / "t.tar.gz"
    _backup(archive)
    _repack(archive, tampered, lambda name, data: None if name == "secret_key" else data)
    _unchanged_after(tampered, install, "incomplete: it does not hold what its manifest lists")


def test_an_archive_of_a_newer_schema_is_refused(install, tmp_path):
    archive, newer = tmp_path / "b.tar.gz", tmp_path / "n.tar.gz"
    _backup(archive)

    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["core"].append("0099_from_the_future")
        return json.dumps(manifest).encode()

    _repack(archive, newer, change)
    _unchanged_after(newer, install, r"newer clusterloom .*core\.0099_from_the_future")


def test_a_missing_archive_and_folder_are_named(install, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        _restore(tmp_path / "nowhere.tar.gz")
    with pytest.raises(CommandError, match="No such folder"):
        _backup(tmp_path / "missing" / "b.tar.gz")
