"""One settings model for every adapter, and the only place that reads the clock or the environment.

Sources, later winning: defaults, the config file, environment variables, the host's own options (cfn-lint
rule configuration, CLI flags). Every invalid value becomes one ``SettingsError`` line naming where it came
from, so a pipeline author can fix it without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .rules import lookup

CONFIG_FILE = ".lambda-runtime-rules.yaml"
TIMEZONE = "America/Los_Angeles"
ENV_PREFIX = "LAMBDA_RUNTIME_RULES_"
ENV_VARS = {
    "as_of": "LAMBDA_RUNTIME_RULES_AS_OF",
    "warn_days": "LAMBDA_RUNTIME_RULES_WARN_DAYS",
    "high_compliance": "LAMBDA_RUNTIME_RULES_HIGH_COMPLIANCE",
    "allow_function_update": "LAMBDA_RUNTIME_RULES_ALLOW_FUNCTION_UPDATE",
    "catalog": "LAMBDA_RUNTIME_RULES_CATALOG",
    "baseline": "LAMBDA_RUNTIME_RULES_BASELINE",
    "region": "LAMBDA_RUNTIME_RULES_REGION",
    "iam_wildcards": "LAMBDA_RUNTIME_RULES_IAM_WILDCARDS",
}
CONFIG_ENV = "LAMBDA_RUNTIME_RULES_CONFIG"
CACHE_DIR_ENV = "LAMBDA_RUNTIME_RULES_CACHE_DIR"
DEFAULT_WARN_DAYS = 120
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class SettingsError(Exception):
    """An invalid setting; ``str()`` names the source (file, variable or option) and the problem."""


@dataclass(frozen=True)
class Exemption:
    """An approved, expiring exception to one rule for one resource (optionally only in matching files).

    It covers the resource while ``as_of`` is before ``expires``: like AWS's phases, expiry starts at
    midnight Pacific on that date.
    """

    resource: str
    rule: str
    expires: dt.date
    reason: str
    file: str | None = None
    base: str | None = field(default=None, compare=False)
    """The absolute folder of the config file that declared it: ``file`` is relative to it, wherever we run."""

    def matches(self, resource: str, rule: str, file: str) -> bool:
        if self.resource != resource or self.rule != rule:
            return False
        if self.file is None:
            return True
        return _glob_matches(self.file, file, self.base)

    def active(self, as_of: dt.date) -> bool:
        return as_of < self.expires


def _glob_matches(glob: str, file: str, base: str | None) -> bool:
    """``glob`` against ``file`` relative to ``base`` (right-anchored, as ``PurePath.match``: ``*.yaml`` matches
    at any depth). A file outside ``base`` matches only an absolute glob; without ``base``, the path as given."""
    if base is None:
        candidates = {file, os.path.normpath(file)}
    else:
        absolute = os.path.abspath(file)
        relative = os.path.relpath(absolute, base) if not PurePosixPath(glob).is_absolute() else absolute
        if relative == ".." or relative.startswith(".." + os.sep):
            return False
        candidates = {relative}
    return any(PurePosixPath(path.replace("\\", "/")).match(glob) for path in candidates)


@dataclass(frozen=True)
class Settings:
    """What the engine needs besides the values: the day, the window, the compliance stance, exceptions."""

    as_of: dt.date
    warn_days: int = DEFAULT_WARN_DAYS
    high_compliance: bool = False
    allow_function_update: bool = True
    catalog: str | None = None
    exceptions: tuple[Exemption, ...] = field(default=())
    baseline: str | None = None
    """A baseline file (see ``baseline``): findings in it are not reported, by any face."""
    region: str | None = None
    """The AWS Region deployed to (EL1006), when the file itself does not say: a literal Terraform provider or
    Serverless ``provider.region`` is where the file deploys and beats this setting."""
    iam_wildcards: bool = False
    """EL3004 also reports a bare ``*`` action (administrator policies), which allows everything, this included."""

    def with_as_of(self, as_of: dt.date) -> Settings:
        return replace(self, as_of=as_of)


def today_pacific(now: dt.datetime | None = None) -> dt.date:
    """Today's date in America/Los_Angeles, where each lifecycle phase starts at midnight."""
    from zoneinfo import ZoneInfo  # deferred: tz database lookup is only needed for the default

    instant = now or dt.datetime.now(dt.timezone.utc)
    try:
        zone = ZoneInfo(TIMEZONE)
    except Exception:  # no tz database (Windows without tzdata): US Pacific standard time is UTC-8
        zone = dt.timezone(dt.timedelta(hours=-8))
    return instant.astimezone(zone).date()


# --- value parsing -----------------------------------------------------------------------------------------


def parse_date(value: object, source: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.isascii():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise SettingsError(f"{source}: {value!r} is not a date (expected YYYY-MM-DD)")


def parse_int(value: object, source: str) -> int:
    if isinstance(value, bool):
        raise SettingsError(f"{source}: {value!r} is not a whole number of days >= 0")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():  # not '²' or '①'
        number = int(value.strip())
    else:
        raise SettingsError(f"{source}: {value!r} is not a whole number of days >= 0")
    if number < 0:
        raise SettingsError(f"{source}: {value!r} is not a whole number of days >= 0")
    return number


def parse_bool(value: object, source: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise SettingsError(f"{source}: {value!r} is not true or false")


def parse_path(value: object, source: str) -> str:
    """A file path setting: a non-empty string without NUL bytes (which no file system accepts)."""
    if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
        raise SettingsError(f"{source}: {value!r} is not a file path")
    if "\0" in str(value):
        raise SettingsError(f"{source}: {value!r} is not a file path (it contains a NUL byte)")
    return str(value)


def parse_region(value: object, source: str) -> str:
    """An AWS Region code known to ``rules_data/regions.json``; an unknown one names the closest codes."""
    from .regions import bundled

    table = bundled()
    if isinstance(value, str) and table.get(value.strip()) is not None:
        return value.strip()
    hints = table.close_matches(value) if isinstance(value, str) else []
    maybe = f"; did you mean {', '.join(hints)}?" if hints else " (see rules_data/regions.json)"
    raise SettingsError(f"{source}: {value!r} is not a known AWS Region code{maybe}")


def _parse_glob(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"{where}: file must be a glob string")
    try:
        PurePosixPath("x").match(value)
    except ValueError as exc:  # '' or '.': an empty pattern
        raise SettingsError(f"{where}: file: {value!r} is not a usable glob ({exc})") from None
    if "\0" in value:
        raise SettingsError(f"{where}: file: {value!r} is not a usable glob (it contains a NUL byte)")
    return value


def parse_exceptions(value: object, source: str, base: Path | None = None) -> tuple[Exemption, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SettingsError(f"{source}: exceptions must be a list")
    parsed = []
    for index, item in enumerate(value):
        where = f"{source}: exceptions[{index}]"
        if not isinstance(item, dict):
            raise SettingsError(f"{where}: must be a mapping with resource, rule, expires and reason")
        unknown = set(item) - {"resource", "rule", "expires", "reason", "file"}
        if unknown:
            raise SettingsError(f"{where}: unknown key {sorted(map(str, unknown))[0]!r}")
        for key in ("resource", "rule", "expires", "reason"):
            if item.get(key) in (None, ""):
                raise SettingsError(f"{where}: {key} is required")
        resource, rule, reason = item["resource"], item["rule"], item["reason"]
        if not isinstance(resource, str) or not isinstance(reason, str) or not isinstance(rule, str):
            raise SettingsError(f"{where}: resource, rule and reason must be strings")
        spec = lookup(rule)
        if spec is None:
            raise SettingsError(f"{where}: unknown rule {rule!r}")
        glob = item.get("file")
        if glob is not None:
            glob = _parse_glob(glob, where)
        expires = parse_date(item["expires"], f"{where}.expires")
        folder = os.path.abspath(base) if base is not None else None
        parsed.append(Exemption(resource, spec.code, expires, reason, glob, folder))
    return tuple(parsed)


_PARSERS = {
    "as_of": parse_date,
    "warn_days": parse_int,
    "high_compliance": parse_bool,
    "allow_function_update": parse_bool,
    "region": parse_region,
    "iam_wildcards": parse_bool,
}


def _apply(values: dict[str, Any], key: str, raw: object, source: str, base_dir: Path | None = None) -> None:
    if key == "region" and raw is None:  # `region:` left empty in the config file: no Region
        values[key] = None
    elif key in _PARSERS:
        values[key] = _PARSERS[key](raw, source)
    elif key in ("catalog", "baseline"):
        if raw is None:
            values[key] = None
            return
        path = Path(parse_path(raw, source))
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        values[key] = str(path)
    elif key == "exceptions":
        values[key] = parse_exceptions(raw, source, base_dir)
    else:
        raise SettingsError(f"{source}: unknown setting {key!r}")


# --- sources -----------------------------------------------------------------------------------------------


def find_config(start: Path, env: Mapping[str, str]) -> Path | None:
    """The config file: ``$LAMBDA_RUNTIME_RULES_CONFIG``, else ``.lambda-runtime-rules.yaml`` upward."""
    explicit = env.get(CONFIG_ENV)
    if explicit:
        path = Path(parse_path(explicit, CONFIG_ENV))
        if not path.exists():
            raise SettingsError(f"{CONFIG_ENV}: {explicit}: no such file")
        return path
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.exists():  # a FIFO or folder of that name is refused when read, not skipped
            return candidate
    return None


def read_config(path: Path) -> dict[str, Any]:
    import yaml

    from .files import FileProblem, read_text

    try:
        document = yaml.safe_load(read_text(path))
    except FileProblem as exc:
        raise SettingsError(f"{path}: {exc}") from None
    except RecursionError:
        raise SettingsError(f"{path}: not valid YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        problem = str(exc).replace("\n", " ")
        raise SettingsError(f"{path}: not valid YAML: {problem}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise SettingsError(f"{path}: must be a mapping of settings")
    return document


def load(
    overrides: Mapping[str, object] | None = None,
    *,
    override_source: str = "option {key}",
    config: str | Path | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> Settings:
    """Resolve settings from every source.

    ``override_source`` names the host's options in error messages (``{key}`` / ``{flag}`` are filled in);
    ``today`` exists so callers and tests can pin the default ``as_of``.
    """
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    values: dict[str, Any] = {}

    path = Path(parse_path(config, "--config")) if config is not None else find_config(cwd, env)
    if path is not None:
        if config is not None and not path.exists():
            raise SettingsError(f"{path}: no such config file")
        for key, raw in read_config(path).items():
            _apply(values, str(key), raw, f"{path}: {key}", base_dir=path.parent)

    for key, name in ENV_VARS.items():
        raw = env.get(name)
        if raw is not None and raw != "":
            _apply(values, key, raw, name)

    for key, raw in (overrides or {}).items():
        if raw is not None:
            _apply(values, key, raw, override_source.format(key=key, flag=key.replace("_", "-")))

    if "as_of" not in values:
        values["as_of"] = today or today_pacific()
    return Settings(**values)


def default_cache_dir(env: Mapping[str, str] | None = None) -> str:
    """Where ``check`` keeps its result cache without ``--cache-dir``: ``$LAMBDA_RUNTIME_RULES_CACHE_DIR``, else
    ``lambda-runtime-rules`` under ``$XDG_CACHE_HOME``, else under ``~/.cache`` (pre-commit's own convention)."""
    env = os.environ if env is None else env
    if env.get(CACHE_DIR_ENV):
        return env[CACHE_DIR_ENV]
    home = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(home, "lambda-runtime-rules")
