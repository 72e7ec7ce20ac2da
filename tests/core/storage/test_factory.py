"""Storage URLs map to the right backend with the right settings, and bad ones fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from peelian.core.storage import LocalBlobStore, NullBlobStore, S3BlobStore, open_blob_store


class TestOpenBlobStore:
    @pytest.mark.integration  # creates the store's directories
    def test_file_url_opens_a_local_store(self, tmp_path: Path) -> None:
        store = open_blob_store(f"file://{tmp_path}/blobs")

        assert isinstance(store, LocalBlobStore)
        assert store.root == tmp_path / "blobs"

    @pytest.mark.integration  # creates the store's directories
    def test_percent_encoded_file_url_is_decoded(self, tmp_path: Path) -> None:
        store = open_blob_store(f"file://{tmp_path}/my%20blobs")

        assert isinstance(store, LocalBlobStore)
        assert store.root == tmp_path / "my blobs"

    @pytest.mark.integration  # creates the store's directories
    def test_bare_relative_path_opens_a_local_store(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)

        store = open_blob_store("var/blobs")

        assert isinstance(store, LocalBlobStore)
        assert store.root == Path("var/blobs")
        assert (tmp_path / "var" / "blobs").is_dir()

    @pytest.mark.unit
    def test_file_url_with_a_host_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="PEELIAN_STORAGE_URL: file URL must be"):
            open_blob_store("file://var/blobs")

    @pytest.mark.unit
    def test_null_url_opens_a_null_store(self) -> None:
        assert isinstance(open_blob_store("null://"), NullBlobStore)

    @pytest.mark.unit
    @pytest.mark.usefixtures("aws_env")
    def test_s3_url_sets_bucket_prefix_endpoint_and_region(self) -> None:
        store = open_blob_store(
            "s3://evidence/peelian/prod?endpoint_url=http://minio:9000&region=eu-west-2",
            aws_access_key_id="id",
            aws_secret_access_key="secret",
        )

        assert isinstance(store, S3BlobStore)
        assert (store.bucket, store.prefix) == ("evidence", "peelian/prod/")
        assert store.client.meta.endpoint_url == "http://minio:9000"
        assert store.client.meta.region_name == "eu-west-2"

    @pytest.mark.unit
    def test_s3_url_without_a_bucket_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="needs a bucket"):
            open_blob_store("s3:///prefix")

    @pytest.mark.unit
    def test_s3_url_with_credentials_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="no credentials"):
            open_blob_store("s3://key:secret@bucket/prefix")

    @pytest.mark.unit
    def test_unknown_s3_option_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="unknown s3 option"):
            open_blob_store("s3://bucket?secret=x")

    @pytest.mark.unit
    def test_unknown_scheme_names_the_setting_and_the_choices(self) -> None:
        with pytest.raises(ValueError, match="unsupported scheme") as excinfo:
            open_blob_store("x://somewhere")

        assert str(excinfo.value) == (
            "PEELIAN_STORAGE_URL: unsupported scheme 'x' (use file://, s3:// or null://)"
        )

    @pytest.mark.unit
    def test_empty_url_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="PEELIAN_STORAGE_URL: empty"):
            open_blob_store("")
