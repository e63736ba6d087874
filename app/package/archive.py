"""The course package as a zip file: written reproducibly, read defensively (pure: no database, no app).

A downloaded package holds exactly the files ``flask course export`` writes, under ``course/``
and ``quizzes/``. An uploaded one comes from outside: before anything is extracted its members
are checked (no path may leave the package, no link, nothing but package files) and its sizes
are bounded twice, as declared in the archive and as counted while extracting (a zip bomb lies
about the first).

Refusals go through Flask-Babel: in the request's language inside the application, in French
(the messages as written) outside it.
"""

import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePosixPath

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _

#: The package's two folders; every imported file is in one of them.
PACKAGE_DIRS = ("course", "quizzes")
#: Zip entries that archivers add and that are never package content.
IGNORED_PREFIXES = ("__MACOSX/",)
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db"})
#: Documentation the loaders skip, allowed where the repository keeps it.
README_PATHS = frozenset({"README.md", "course/README.md", "quizzes/README.md"})
#: Zip timestamps are local dates without a zone; one fixed date makes the bytes reproducible.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """How much an uploaded package may hold (the real package: about 30 files, 350 KB)."""

    #: Entries in the zip, folders and ignored files included.
    members: int = 500
    #: Uncompressed bytes of one file.
    file_bytes: int = 2 * 1024 * 1024
    #: Uncompressed bytes of the whole package.
    total_bytes: int = 20 * 1024 * 1024


#: The limits of an upload, unless a caller (a test) says otherwise.
DEFAULT_LIMITS = Limits()


class ArchiveRefused(ValueError):
    """An uploaded zip that cannot be opened as a package; nothing was extracted from it."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def build_zip(files: dict[str, bytes]) -> bytes:
    """Return a zip of ``files`` (posix name -> content) whose bytes depend only on the files.

    Names are sorted and every entry gets the same date, mode and system, so the same content
    always gives the same zip.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the server runs on
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def read_tree(root: Path) -> dict[str, bytes]:
    """Return every file under ``root`` by its posix path relative to ``root``."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def extract_package(data: bytes, target: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Check the zip ``data`` and extract its package files under ``target``.

    :raise ArchiveRefused: with every problem found; nothing is written before the checks pass,
        and a problem found while extracting (a size that lied, a damaged file) stops it.
    """
    with _open_zip(data) as archive:
        members = _package_members(archive.infolist(), limits)
        total = 0
        for name, info in members:
            total += _extract_member(archive, info, target / name, limits, limits.total_bytes - total)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise ArchiveRefused([_("Le fichier n'est pas une archive zip valide (fichier abîmé ou d'un autre format).")]) from None


def _package_members(infos: list[zipfile.ZipInfo], limits: Limits) -> list[tuple[str, zipfile.ZipInfo]]:
    """Check every entry; return the files to extract with their path inside the package."""
    if len(infos) > limits.members:
        raise ArchiveRefused([_("L'archive contient %(num)d éléments ; %(limit)d au plus sont acceptés.", num=len(infos), limit=limits.members)])
    problems = [problem for info in infos if (problem := member_problem(info))]
    if problems:
        raise ArchiveRefused(problems)
    infos = [info for info in infos if not _is_ignored(info.filename)]
    prefix = _wrapper_folder([info.filename for info in infos])
    members = []
    for info in infos:
        name = info.filename[len(prefix) :]
        if info.is_dir() or name in README_PATHS:
            continue
        if not is_package_file(name):
            problems.append(_misplaced(name))
        members.append((name, info))
    _check_sizes(members, limits, problems)
    _check_layout([name for name, _info in members], problems)
    if problems:
        raise ArchiveRefused(problems)
    return members


def member_problem(info: zipfile.ZipInfo) -> str | None:
    """Return why an entry is refused whatever its place (zip-slip, link, encryption), or ``None``."""
    name = info.filename
    parts = name.rstrip("/").split("/")
    if "\\" in name:
        return _("« %(name)s » : chemin refusé (barre oblique inversée) ; les chemins doivent rester dans le paquet.", name=name)
    if name.startswith("/") or _DRIVE.match(name):
        return _("« %(name)s » : chemin absolu refusé ; les chemins doivent rester dans le paquet.", name=name)
    if any(part in ("", ".", "..") for part in parts) or any(ord(char) < 32 for char in name):
        return _("« %(name)s » : chemin refusé (« .. », « . » ou élément vide) ; les chemins doivent rester dans le paquet.", name=name)
    mode = info.external_attr >> 16
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return _("« %(name)s » : lien symbolique ou fichier spécial refusé.", name=name)
    if info.flag_bits & 0x1:
        return _("« %(name)s » : fichier chiffré refusé.", name=name)
    return None


def _is_ignored(name: str) -> bool:
    return name.startswith(IGNORED_PREFIXES) or PurePosixPath(name).name in IGNORED_NAMES


def _wrapper_folder(names: list[str]) -> str:
    """Return ``"dossier/"`` when every entry sits in one folder that holds the package, else ``""``.

    Zipping the folder that contains ``course/`` and ``quizzes/`` (rather than the two folders)
    is the usual way to make the archive; it is the same package.
    """
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) != 1 or all("/" not in name for name in names):
        return ""
    top = tops.pop()
    return "" if top in PACKAGE_DIRS else f"{top}/"


def is_package_file(name: str) -> bool:
    """Tell whether a path is one the loaders read: a module file, a reading, an activity or a quizzes file."""
    parts = name.split("/")
    if parts[0] == "course" and len(parts) == 3:
        return parts[2].endswith((".md", ".toml"))  # module.toml, readings, activities
    return parts[0] == "quizzes" and len(parts) == 2 and parts[1].endswith(".toml")


def _misplaced(name: str) -> str:
    if name.split("/", 1)[0] not in PACKAGE_DIRS:
        return _("« %(name)s » : fichier en dehors de course/ et quizzes/ ; le paquet ne contient que ces deux dossiers.", name=name)
    return _(
        "« %(name)s » : fichier inattendu ; le paquet ne contient que course/NN-module/module.toml, "
        "des lectures course/NN-module/NN-nom.md, des activités course/NN-module/NN-nom.toml et des fichiers quizzes/nom.toml.",
        name=name,
    )


def _check_sizes(members: list[tuple[str, zipfile.ZipInfo]], limits: Limits, problems: list[str]) -> None:
    """Check the sizes the archive declares (the counts while extracting check them again)."""
    for name, info in members:
        if info.file_size > limits.file_bytes:
            problems.append(
                _("« %(name)s » : %(size)s une fois décompressé ; %(limit)s au plus par fichier.", name=name, size=_size(info.file_size), limit=_size(limits.file_bytes))
            )
    total = sum(info.file_size for _name, info in members)
    if total > limits.total_bytes:
        problems.append(_("Le paquet fait %(size)s une fois décompressé ; %(limit)s au plus.", size=_size(total), limit=_size(limits.total_bytes)))


def _check_layout(names: list[str], problems: list[str]) -> None:
    seen = set()
    for name in names:
        if name in seen:
            problems.append(_("« %(name)s » : présent deux fois dans l'archive.", name=name))
        seen.add(name)
    for folder in PACKAGE_DIRS:
        if not any(name.startswith(f"{folder}/") for name in names):
            problems.append(_("L'archive ne contient aucun fichier dans %(folder)s/ : un paquet contient les dossiers course/ et quizzes/.", folder=folder))


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: Limits, room: int) -> int:
    """Write one member to ``path``, counting its bytes; return how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with archive.open(info) as source, path.open("xb") as target:
            return copy_limited(source, target, min(limits.file_bytes, room), info.filename)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        raise ArchiveRefused([_("« %(name)s » : fichier abîmé dans l'archive, impossible de le lire.", name=info.filename)]) from None


def copy_limited(source, target, limit: int, name: str) -> int:
    """Copy ``source`` to ``target`` in chunks, stopping as soon as more than ``limit`` bytes came.

    :raise ArchiveRefused: when the content is larger than ``limit``.
    """
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > limit:
            raise ArchiveRefused([_("« %(name)s » : plus gros une fois décompressé que la limite (%(limit)s).", name=name, limit=_size(limit))])
        target.write(chunk)
    return written


def _size(size: int) -> str:
    """Write a size in the current language: ``2,5 Mo``, or ``12 Ko`` under a megabyte, in French.

    Outside the application the messages are French, so is the number (``get_locale`` is ``None``).
    """
    if size < 1024 * 1024:
        return _("%(num)d Ko", num=-(-size // 1024))
    return _("%(num)s Mo", num=format_decimal(size / (1024 * 1024), "0.0", locale=get_locale() or "fr"))
