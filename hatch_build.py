"""Wheel build hook: the scripts the register site serves, built into the package.

A register repository needs no Node.js: the wheel carries the pinned Mermaid script as
``generator/vendor/mermaid.min.js`` (and its licence), which the site plugin serves. The file is
never committed; it comes, at wheel-build time, from the npm package that ``package-lock.json``
pins:

1. ``node_modules/mermaid`` of this checkout (``make setup`` runs ``npm ci``), when its version
   is the locked one;
2. otherwise the locked tarball from the npm registry (``npm_config_registry``, npm's own
   setting, default https://registry.npmjs.org/), checked against the lock's ``integrity``
   hash: so a wheel built from a plain git clone (pre-commit's ``repo:``) gets the very same
   file without npm.

When neither works the build stops with a message saying what to do.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# npm package -> (file inside the package, where the wheel carries it).
VENDORED = {
    "mermaid": (
        ("dist/mermaid.min.js", "generator/vendor/mermaid.min.js"),
        ("LICENSE", "generator/vendor/mermaid.LICENSE"),
    ),
}
DEFAULT_REGISTRY = "https://registry.npmjs.org/"


class VendorError(Exception):
    pass


def locked(root: Path, package: str) -> dict[str, Any]:
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    entry: dict[str, Any] | None = lock.get("packages", {}).get(f"node_modules/{package}")
    if not entry or "version" not in entry or "integrity" not in entry:
        raise VendorError(f"package-lock.json pins no version and integrity for {package}")
    return entry


def from_node_modules(root: Path, package: str, version: str) -> dict[str, bytes] | None:
    folder = root / "node_modules" / package
    manifest = folder / "package.json"
    if not manifest.is_file():
        return None
    installed = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if installed != version:
        raise VendorError(
            f"node_modules/{package} is version {installed}, package-lock.json pins {version}: run `npm ci`"
        )
    out = {}
    for inner, _ in VENDORED[package]:
        if not (folder / inner).is_file():
            raise VendorError(f"node_modules/{package}/{inner} is missing: run `npm ci`")
        out[inner] = (folder / inner).read_bytes()
    return out


def from_registry(package: str, version: str, integrity: str) -> dict[str, bytes]:
    registry = os.environ.get("npm_config_registry") or DEFAULT_REGISTRY
    url = f"{registry.rstrip('/')}/{package}/-/{package.rsplit('/', 1)[-1]}-{version}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - http(s) or file
            data = response.read()
    except (OSError, ValueError) as exc:
        raise VendorError(
            f"{package} {version} is not in node_modules/ and could not be downloaded from {url} ({exc}): "
            "run `npm ci` (or `make setup`) in the checkout, then build the wheel again"
        ) from None
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if digest != expected:
        raise VendorError(f"{url} does not match the integrity that package-lock.json pins for {package}")
    out = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for inner, _ in VENDORED[package]:
            member = tar.extractfile(f"package/{inner}")
            if member is None:
                raise VendorError(f"{url} has no {inner}")
            out[inner] = member.read()
    return out


def vendored_files(root: Path) -> dict[str, bytes]:
    """Path in the wheel -> content, for every vendored file."""
    out = {}
    for package, files in VENDORED.items():
        entry = locked(root, package)
        found = from_node_modules(root, package, entry["version"])
        if found is None:
            found = from_registry(package, entry["version"], entry["integrity"])
        for inner, target in files:
            out[target] = found[inner]
    return out


class VendorHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install serves node_modules/ of the checkout (generator/resources.py)
        try:
            files = vendored_files(Path(self.root))
        except VendorError as exc:
            raise SystemExit(f"ropa wheel build: {exc}") from None
        self._staging = tempfile.TemporaryDirectory(prefix="ropa-vendor-")
        for target, data in files.items():
            path = Path(self._staging.name) / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            build_data["force_include"][str(path)] = target

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        staging = getattr(self, "_staging", None)
        if staging is not None:
            staging.cleanup()
