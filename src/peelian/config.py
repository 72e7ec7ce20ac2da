"""Settings: one pydantic-settings object read from PEELIAN_* variables and a .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ConfigError", "Settings", "get_settings", "load_settings"]


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names it in one line."""


class Settings(BaseSettings):
    """Every knob Peelian reads at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="PEELIAN_", env_file=".env", extra="ignore", frozen=True
    )

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/peelian.db"
    storage_url: str = "var/blobs"
    redis_url: str | None = None
    var_dir: Path = Path("var")
    secret_key: SecretStr = Field(min_length=32)
    audit_signing_key: SecretStr | None = None
    sync_signing_key: SecretStr | None = None
    base_url: str = "http://127.0.0.1:8000"
    cookie_secure: bool = False
    access_token_ttl_s: int = Field(default=600, ge=30, le=3600)
    refresh_token_ttl_s: int = Field(default=14 * 24 * 3600, ge=300)
    web_session_ttl_s: int = Field(default=8 * 3600, ge=300)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # Fingerprint payloads: a ten-print enrolment (images or an ANSI/NIST-ITL transaction with
    # rolled prints and slaps, uncompressed at up to 1000 ppi) and a 1-2 finger search (images
    # base64 in JSON, or the officer page's upload).
    bio_enrol_max_bytes: int = Field(default=64 * 1_048_576, ge=1_048_576)
    bio_search_max_bytes: int = Field(default=8 * 1_048_576, ge=1_048_576)
    lockout_threshold: int = Field(default=5, ge=1)
    lockout_base_s: int = Field(default=60, ge=1)
    lockout_max_s: int = Field(default=3600, ge=1)
    audit_checkpoint_every_s: int = Field(default=300, ge=10)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    huey_immediate: bool = False
    mobile_max_attachment_bytes: int = Field(default=100 * 1024 * 1024, ge=1024)
    # 0: the whole fingerprint gallery in each process; N > 0: N Ray actors on a local cluster.
    bio_gallery_shards: int = Field(default=0, ge=0, le=64)
    # How long a possible match waits for an examiner; the probe is held in memory only so long.
    bio_review_ttl_s: float = Field(default=900.0, gt=0, le=24 * 3600)
    # Gallery searches run at once in a process (0: one per CPU core). More wait their turn in
    # order: the CPU is the limit, and sharing it among every waiting search stretches them all.
    bio_search_concurrency: int = Field(default=0, ge=0, le=256)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("must start with sqlite:// or postgresql://")
        return value

    @field_validator("storage_url")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if "://" in value and not value.startswith(("file:///", "s3://", "null://")):
            raise ValueError("must be a path, file:///absolute/path, s3://bucket/prefix or null://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _known_redis(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the psycopg 3 driver named for PostgreSQL."""
        if self.database_url.startswith("postgresql://"):
            return "postgresql+psycopg://" + self.database_url.removeprefix("postgresql://")
        return self.database_url

    @property
    def queue_path(self) -> Path:
        """Where the SQLite job queue lives when Redis is not configured."""
        return self.var_dir / "queue.db"

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is in use."""
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into a one-line ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "PEELIAN_" + str(err["loc"][0]).upper() if err["loc"] else "settings"
        message = err["msg"].removeprefix("Value error, ")
        problem = "is missing" if err["type"] == "missing" else message[0].lower() + message[1:]
        raise ConfigError(f"{name} {problem}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
