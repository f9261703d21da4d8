"""One typed settings object, read from `HEADWATER_*` environment variables and CLI flags.

Every field is documented in docs/CONFIGURATION.md; a test fails when one is not. Settings travel
to granian worker processes through the environment, so `to_env()` and `from_env()` round-trip.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args, get_type_hints

RateLimitMode = Literal["off", "emulate"]

ENV_PREFIX = "HEADWATER_"


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """Server settings; defaults give the embedded mode (SQLite + local files)."""

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("./headwater-data")
    database_url: str = ""
    workers: int = 1
    tls_cert: str = ""
    tls_key: str = ""
    tls_self_signed: bool = False
    # Also serve https on this port while `port` stays plain http (0: off); see serve._run_listeners.
    https_port: int = 0
    # Also serve the app on this port, for clients configured with a separate upload host (0: off).
    upload_port: int = 0
    rate_limits: RateLimitMode = "off"
    redis_url: str = ""
    kontent_page_size: int = 100
    max_body_bytes: int = 4 * 1024 * 1024
    # Contentful uploads (contentful/assets/uploads.py) and asset processing (contentful/assets/processing.py).
    max_upload_bytes: int = 100 * 1024 * 1024
    fetch_asset_urls: bool = False
    # Server-level limits (platform/requestguard.py; granian's own limits in serve.run sit above).
    max_url_bytes: int = 16 * 1024
    max_header_bytes: int = 32 * 1024
    body_timeout_seconds: float = 10.0
    header_timeout_seconds: float = 10.0
    auth_cache_seconds: float = 60.0
    scheduler_interval_seconds: float = 1.0
    bench_routes: bool = False
    log_level: str = "info"
    # Fixed development credentials: made to exist on every start (provisioning.fixed_credentials).
    dev_project_id: str = ""
    dev_environment_id: str = ""
    dev_management_api_key: str = ""
    dev_space_id: str = ""
    dev_cma_token: str = ""

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'headwater.db').resolve()}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def scheme(self) -> str:
        """Of the main `port`; with `https_port` set, `port` stays plain http."""
        if self.https_port:
            return "http"
        return "https" if (self.tls_cert or self.tls_self_signed) else "http"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def to_env(self) -> dict[str, str]:
        """Serialise to `HEADWATER_*` variables (how worker processes receive settings)."""
        out: dict[str, str] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = str(value)
            out[ENV_PREFIX + field.name.upper()] = text
        return out

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from the environment, then apply explicit overrides (CLI flags)."""
        environ = os.environ if environ is None else environ
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper())
            if raw is None:
                continue
            values[field.name] = _coerce(field.name, hints[field.name], raw)
        for key, value in overrides.items():
            if value is not None:
                values[key] = value
        return cls(**values)


def _coerce(name: str, hint: Any, raw: str) -> Any:
    if hint is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"{ENV_PREFIX}{name.upper()} must be a boolean, got {raw!r}")
    if hint is int:
        return int(raw)
    if hint is float:
        return float(raw)
    if hint is Path:
        return Path(raw)
    choices = get_args(hint)
    if choices:
        if raw not in choices:
            raise ValueError(f"{ENV_PREFIX}{name.upper()} must be one of {', '.join(choices)}, got {raw!r}")
        return raw
    return raw


def setting_names() -> list[str]:
    """Environment variable names of every setting (used by the documentation test)."""
    return [ENV_PREFIX + f.name.upper() for f in dataclasses.fields(Settings)]
