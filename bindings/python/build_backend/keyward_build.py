"""A PEP 517 build backend for the keyward package, standard library only, so that `pip install bindings/python`
builds offline (pip's isolated build gets no setuptools without an index).

It writes a wheel of the `keyward` package and its metadata from pyproject.toml; when KEYWARD_LIBRARY names a
built libkeyward_c.so, the wheel carries it next to the package and is tagged for this platform."""
from __future__ import annotations

import base64
import hashlib
import io
import os
import sysconfig
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "keyward"
LIBRARY_FILE = "libkeyward_c.so"


def _project() -> dict:
    try:
        import tomllib
    except ImportError:  # Python before 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _metadata() -> str:
    project = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    for requirement in project.get("dependencies", []):
        lines.append(f"Requires-Dist: {requirement}")
    for extra, requirements in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {requirement}; extra == "{extra}"' for requirement in requirements]
    readme = (ROOT / project.get("readme", "README.md")).read_text(encoding="utf-8")
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + readme


def _files() -> list[tuple[str, bytes]]:
    """(path in the wheel, content) of the package's files, and of the native library when one is named."""
    files = []
    for path in sorted((ROOT / PACKAGE).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".typed"):
            files.append((path.relative_to(ROOT).as_posix(), path.read_bytes()))
    library = os.environ.get("KEYWARD_LIBRARY")
    if library:
        # pip runs this backend in bindings/python, not where pip was run: a relative path would mean another file.
        if not os.path.isabs(library):
            raise ValueError(f"KEYWARD_LIBRARY must be an absolute path (pip builds in {ROOT}, so a relative one "
                             f"names another file): {library!r}; use \"$PWD/{library}\"")
        if not os.path.isfile(library):
            raise ValueError(f"KEYWARD_LIBRARY names no file: {library} (cmake --build BUILD_DIR --target keyward_c)")
        files.append((f"{PACKAGE}/{LIBRARY_FILE}", Path(library).read_bytes()))
    return files


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _tag() -> str:
    if os.environ.get("KEYWARD_LIBRARY"):
        return "py3-none-" + sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "py3-none-any"


def _write_wheel(wheel_directory: str, files: list[tuple[str, bytes]]) -> str:
    project = _project()
    name, version = project["name"], project["version"]
    tag = _tag()
    dist_info = f"{name}-{version}.dist-info"
    wheel = (f"Wheel-Version: 1.0\nGenerator: keyward_build\nRoot-Is-Purelib: {'false' if 'any' not in tag else 'true'}"
             f"\nTag: {tag}\n")
    files = files + [(f"{dist_info}/METADATA", _metadata().encode()), (f"{dist_info}/WHEEL", wheel.encode()),
                     (f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode())]
    record = "\n".join(_record_line(n, d) for n, d in files) + f"\n{dist_info}/RECORD,,\n"
    filename = f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(Path(wheel_directory) / filename, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files + [(f"{dist_info}/RECORD", record.encode())]:
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if path.endswith(".so") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return filename


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # A .pth file that puts this checkout on sys.path: edits take effect without reinstalling.
    return _write_wheel(wheel_directory, [(f"_{PACKAGE}_editable.pth", f"{ROOT}\n".encode())])


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    base = f"{project['name']}-{project['version']}"
    filename = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / filename, "w:gz") as archive:
        for path in sorted(ROOT.rglob("*")):
            relative = path.relative_to(ROOT)
            if path.is_file() and "__pycache__" not in relative.parts and relative.parts[0] != "tests":
                archive.add(path, arcname=f"{base}/{relative.as_posix()}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return filename
