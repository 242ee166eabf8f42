#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Proves the .deb a desktop user installs: builds it with cpack in the build tree, checks its file list and its
Depends, unpacks it with dpkg -x, validates the desktop file and the AppStream card it carries, runs the
installed binary (--version, demo, --screenshot), and checks that the installed MIME rules and file association
name the right type for a Runlens database, an mlflow.db, a TensorBoard event file and a plain SQLite file.

    packaging/check-package.py BUILD_DIR

Registered with CTest as `package`; exits 1 naming what is wrong."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

APP_ID = "io.github.runlens.Runlens"
SOURCE_DIR = Path(__file__).resolve().parent.parent
FIXTURES = SOURCE_DIR / "tests" / "fixtures"
# Every file the package holds; anything else (a test, a build tool, a header) is a mistake too.
EXPECTED_FILES = {
    "usr/bin/runlens",
    f"usr/share/applications/{APP_ID}.desktop",
    f"usr/share/metainfo/{APP_ID}.metainfo.xml",
    f"usr/share/mime/packages/{APP_ID}.xml",
    f"usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
    f"usr/share/icons/hicolor/48x48/apps/{APP_ID}.png",
    f"usr/share/icons/hicolor/128x128/apps/{APP_ID}.png",
    f"usr/share/icons/hicolor/256x256/apps/{APP_ID}.png",
    "usr/share/doc/runlens/copyright",
}
# The Python client, where Debian's python3 finds it: every module of app/python/runlens.
PYTHON_PACKAGE = "usr/lib/python3/dist-packages/runlens"
EXPECTED_FILES |= {f"{PYTHON_PACKAGE}/{module.name}"
                   for module in (SOURCE_DIR / "app" / "python" / "runlens").glob("*.py")}
MIME_TYPES = {"application/x-runlens-database", "application/x-mlflow-database", "application/x-tensorboard-events"}
# Qt plugins the binary loads at run time, which dpkg-shlibdeps cannot see: the package owning each must be a
# dependency. The SQLite driver opens every database; xcb shows the window; the SVG engine draws the icon.
RUNTIME_PLUGINS = [
    "sqldrivers/libqsqlite.so",
    "platforms/libqxcb.so",
    "iconengines/libqsvgicon.so",
    "imageformats/libqsvg.so",
]
# Which Debian package brings each tool, for the message when one is missing.
TOOLS = {
    "cpack": "cmake",
    "dpkg-deb": "dpkg",
    "dpkg-shlibdeps": "dpkg-dev",
    "file": "file",
    "readelf": "binutils",
    "desktop-file-validate": "desktop-file-utils",
    "update-desktop-database": "desktop-file-utils",
    "appstreamcli": "appstream",
    "update-mime-database": "shared-mime-info",
    "gio": "libglib2.0-bin",
}
COMMAND_TIMEOUT_S = 180


class CheckFailed(Exception):
    pass


def run(cmd, env=None, cwd=None, ok_codes=(0,)):
    """Runs cmd and returns its stdout; a failure raises CheckFailed with the command's output."""
    try:
        result = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True,
                                timeout=COMMAND_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"{' '.join(map(str, cmd))} did not finish within {COMMAND_TIMEOUT_S} s")
    if result.returncode not in ok_codes:
        raise CheckFailed(f"{' '.join(map(str, cmd))} exited with {result.returncode}:\n"
                          f"{result.stdout}{result.stderr}")
    return result.stdout


def check_tools():
    missing = [f"{tool} (Debian package {package})" for tool, package in TOOLS.items() if not shutil.which(tool)]
    if missing:
        raise CheckFailed("missing tools: " + ", ".join(missing) +
                          "; packaging/install-debian-deps.sh installs them")


def build_deb(build_dir):
    """Runs cpack into its own folder of the build tree and returns the one .deb it made."""
    out = build_dir / "package-check"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    run(["cpack", "-G", "DEB", "--config", build_dir / "CPackConfig.cmake", "-B", out], cwd=build_dir)
    debs = list(out.glob("*.deb"))
    if len(debs) != 1:
        raise CheckFailed(f"cpack made {len(debs)} .deb files in {out}, expected one")
    print(f"built {debs[0]}")
    return debs[0]


def check_file_list(deb):
    listed = run(["dpkg-deb", "--contents", deb]).splitlines()
    files = set()
    for line in listed:
        # drwxr-xr-x root/root 0 2026-12-07 10:00 ./usr/bin/  (a trailing / marks a folder)
        path = line.split(None, 5)[5].split(" -> ")[0]
        if not path.endswith("/"):
            files.add(path.removeprefix("./"))
    missing = EXPECTED_FILES - files
    unexpected = files - EXPECTED_FILES
    problems = []
    if missing:
        problems.append("missing from the package: " + ", ".join(sorted(missing)))
    if unexpected:
        problems.append("in the package but not expected: " + ", ".join(sorted(unexpected)))
    if problems:
        raise CheckFailed("; ".join(problems))
    print("files:\n  " + "\n  ".join(sorted(files)))


def owning_package(path):
    """The Debian package that installed path; /lib and /usr/lib are one folder on a merged-/usr system."""
    candidates = [str(path)]
    text = str(path)
    if text.startswith("/usr/"):
        candidates.append(text[len("/usr"):])
    else:
        candidates.append("/usr" + text)
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            # libqt6core6:amd64: /usr/lib/x86_64-linux-gnu/libQt6Core.so.6
            return result.stdout.split(":", 1)[0].strip()
    raise CheckFailed(f"no installed Debian package owns {path}")


def depends_of(deb):
    field = run(["dpkg-deb", "--field", deb, "Depends"]).strip()
    print(f"Depends: {field}")
    names = {}
    for alternative in field.split(","):
        for dep in alternative.split("|"):
            match = re.match(r"\s*([a-z0-9][a-z0-9+.-]*)(?::\w+)?\s*(\(.*\))?", dep)
            if match:
                names[match.group(1)] = match.group(2) or ""
    return names


def check_depends(deb, binary):
    """Every library the binary links and every Qt plugin it loads must come from a package in Depends."""
    depends = depends_of(deb)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", run(["readelf", "-d", binary]))
    if not needed:
        raise CheckFailed(f"readelf found no shared libraries in {binary}")
    resolved = {}
    for line in run(["ldd", binary]).splitlines():
        # libQt6Core.so.6 => /lib/x86_64-linux-gnu/libQt6Core.so.6 (0x...), or for the dynamic loader
        # /lib64/ld-linux-x86-64.so.2 (0x...)
        match = re.match(r"\s*(\S+) => (/\S+)", line)
        if match:
            resolved[match.group(1)] = match.group(2)
        elif match := re.match(r"\s*(/\S+) \(", line):
            resolved[Path(match.group(1)).name] = match.group(1)
    problems = []
    for soname in needed:
        if soname not in resolved:
            problems.append(f"ldd cannot find {soname}, which {binary} needs")
            continue
        package = owning_package(resolved[soname])
        if package not in depends:
            problems.append(f"{soname} comes from {package}, which is not in Depends")
        elif not depends[package].startswith("(>="):
            problems.append(f"{package} is in Depends without the version dpkg-shlibdeps would give it")
    qt_core = next((path for soname, path in resolved.items() if soname.startswith("libQt6Core.so")), None)
    if qt_core is None:
        raise CheckFailed(f"{binary} does not link Qt 6 Core")
    plugin_dir = Path(qt_core).parent / "qt6/plugins"
    for plugin in RUNTIME_PLUGINS:
        package = owning_package(plugin_dir / plugin)
        if package not in depends:
            problems.append(f"the Qt plugin {plugin} comes from {package}, which is not in Depends")
    rpath = re.findall(r"\((?:RPATH|RUNPATH)\)\s+Library (?:rpath|runpath): \[(.*?)\]",
                       run(["readelf", "-d", binary]))
    if rpath:
        problems.append(f"the installed binary keeps a build-tree search path: {rpath}")
    if problems:
        raise CheckFailed("\n".join(problems))


def check_desktop_file(root):
    desktop = root / f"usr/share/applications/{APP_ID}.desktop"
    output = run(["desktop-file-validate", desktop])
    complaints = [line for line in output.splitlines() if line.strip() and ": hint:" not in line]
    if complaints:
        raise CheckFailed("desktop-file-validate:\n" + "\n".join(complaints))
    entries = {}
    for line in desktop.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            entries[key.strip()] = value.strip()
    if entries.get("Exec") != "runlens %F":
        raise CheckFailed(f"{desktop.name}: Exec is {entries.get('Exec')!r}, expected 'runlens %F'")
    if entries.get("Icon") != APP_ID:
        raise CheckFailed(f"{desktop.name}: Icon is {entries.get('Icon')!r}, expected {APP_ID!r}")
    declared = {t for t in entries.get("MimeType", "").split(";") if t}
    if declared != MIME_TYPES:
        raise CheckFailed(f"{desktop.name}: MimeType lists {sorted(declared)}, expected {sorted(MIME_TYPES)}")


def check_metainfo(root):
    metainfo = root / f"usr/share/metainfo/{APP_ID}.metainfo.xml"
    # --strict fails on anything above a pedantic hint; the one hint left is the upper-case letter in the id,
    # which the freedesktop reverse-DNS id (and the desktop file's name) carries on purpose.
    output = run(["appstreamcli", "validate", "--no-net", "--strict", "--pedantic", metainfo], ok_codes=(0, 3))
    if "Validation was successful" not in output:
        raise CheckFailed("appstreamcli validate:\n" + output)
    component = ET.parse(metainfo).getroot()
    problems = []

    def text(tag):
        element = component.find(tag)
        return element.text.strip() if element is not None and element.text else None

    if component.get("type") != "desktop-application":
        problems.append(f"component type is {component.get('type')!r}")
    if text("id") != APP_ID:
        problems.append(f"id is {text('id')!r}, not the desktop file's name {APP_ID!r}")
    if text("launchable") != f"{APP_ID}.desktop":
        problems.append(f"launchable is {text('launchable')!r}")
    if text("metadata_license") != "CC0-1.0":
        problems.append(f"metadata_license is {text('metadata_license')!r}")
    screenshots = component.findall("screenshots/screenshot")
    if not screenshots or [s.get("type") for s in screenshots].count("default") != 1:
        problems.append("expected screenshots with exactly one default")
    for shot in screenshots:
        image = shot.findtext("image", "").strip()
        local = SOURCE_DIR / image.removeprefix("https://raw.githubusercontent.com/runlens/runlens/main/")
        if not image.startswith("https://") or not local.is_file():
            problems.append(f"screenshot {image!r} is not an https URL of a file in the repository")
        if not shot.findtext("caption", "").strip():
            problems.append(f"screenshot {image!r} has no caption")
    if not component.findall("releases/release"):
        problems.append("no releases")
    if component.findtext("provides/binary") != "runlens":
        problems.append("provides no binary runlens")
    mediatypes = {m.text for m in component.findall("provides/mediatype")}
    if mediatypes != MIME_TYPES:
        problems.append(f"provides media types {sorted(mediatypes)}, expected {sorted(MIME_TYPES)}")
    if problems:
        raise CheckFailed(f"{metainfo.name}: " + "; ".join(problems))


def png_rows(path):
    """The size of a PNG and how many different rows its decompressed image data has (before un-filtering,
    which is enough to tell a drawn window from an empty or single-colour one)."""
    data = path.read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise CheckFailed(f"{path} is not a PNG file")
    pos, width, height, stride, idat = 8, 0, 0, 0, b""
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            depth, colour = body[8], body[9]
            channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
            if depth != 8 or channels is None or body[12] != 0:
                raise CheckFailed(f"{path}: unexpected PNG format (depth {depth}, colour type {colour})")
            stride = 1 + width * channels
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    pixels = zlib.decompress(idat)
    if not stride or len(pixels) != stride * height:
        raise CheckFailed(f"{path}: the image data does not match its size")
    rows = {pixels[i:i + stride] for i in range(0, len(pixels), stride)}
    return width, height, len(rows)


def check_installed_binary(root, work):
    binary = root / "usr/bin/runlens"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(work / "home"),
               XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"),
               XDG_CACHE_HOME=str(work / "cache"), XDG_RUNTIME_DIR=str(work / "runtime"))
    env.pop("RUNLENS_DB", None)
    for folder in ("home", "config", "data", "cache", "runtime"):
        (work / folder).mkdir(mode=0o700)
    version = run([binary, "--version"], env=env).strip()
    if not re.search(r"\b0\.\d+\.\d+\b", version):
        raise CheckFailed(f"runlens --version printed {version!r}")
    print(f"installed runlens --version: {version}")
    database = work / "demo.db"
    run([binary, "--db", database, "demo"], env=env)
    shot = work / "window.png"
    run([binary, "--db", database, "--screenshot", shot], env=env)
    if not shot.is_file():
        raise CheckFailed("runlens --screenshot exited 0 but wrote no file")
    width, height, rows = png_rows(shot)
    # The demo data fills the runs page: a window of that size has hundreds of different rows of pixels.
    if width < 640 or height < 400 or rows < 100:
        raise CheckFailed(f"the screenshot is {width}x{height} with {rows} different rows: not a drawn window")
    print(f"screenshot of the installed binary: {width}x{height}, {rows} different rows")
    return database


def check_python_client(deb, root, work):
    """The packaged Python client imports with Debian's python3 (a Depends) and logs a run the installed binary
    reads back."""
    if "python3" not in depends_of(deb):
        raise CheckFailed("python3 is not in Depends, but the package holds the runlens Python package")
    database = work / "python.db"
    env = dict(os.environ, PYTHONPATH=str(root / "usr/lib/python3/dist-packages"), RUNLENS_DB=str(database),
               QT_QPA_PLATFORM="offscreen", HOME=str(work / "home"))
    script = ("import runlens\n"
              "with runlens.start_run(experiment='packaged', system_metrics=False) as run:\n"
              "    runlens.log_metric('loss', 0.5)\n"
              "print(run.info.run_id)\n")
    run_id = run(["/usr/bin/python3", "-B", "-c", script], env=env).strip()
    points = run([root / "usr/bin/runlens", "--db", database, "metric", run_id, "loss"], env=env)
    if points.splitlines()[1:] and points.splitlines()[1].endswith(",0.5"):
        print(f"packaged Python client: logged run {run_id}, read back by the installed binary")
        return
    raise CheckFailed(f"the installed binary read {points!r} from the run the packaged Python client logged")


def content_type(path, env):
    output = run(["gio", "info", "--attributes=standard::content-type", path], env=env)
    match = re.search(r"standard::content-type: (\S+)", output)
    if not match:
        raise CheckFailed(f"gio info printed no content type for {path}:\n{output}")
    return match.group(1)


def check_mime(root, work, demo_database):
    """Asks GIO, which file managers use, for each sample's type and whether Runlens is registered to open it,
    with the package's MIME rules installed two ways: into the system's database beside freedesktop.org.xml
    (what the shared-mime-info trigger does for the .deb) and as a database of their own in front of the
    system's (what `cmake --install --prefix` gives with XDG_DATA_DIRS naming it)."""
    quick = dict(os.environ, PKGSYSTEM_ENABLE_FSYNC="0")
    run(["update-mime-database", root / "usr/share/mime"], env=quick)
    run(["update-desktop-database", root / "usr/share/applications"])
    merged = work / "merged/mime"
    (merged / "packages").mkdir(parents=True)
    for package in list(Path("/usr/share/mime/packages").glob("*.xml")) + \
            list((root / "usr/share/mime/packages").glob("*.xml")):
        shutil.copy(package, merged / "packages")
    run(["update-mime-database", merged], env=quick)
    shutil.copytree(root / "usr/share/applications", merged.parent / "applications")
    # The system's rules without Runlens's, even where the package is installed already.
    bare = work / "bare/mime"
    (bare / "packages").mkdir(parents=True)
    for package in Path("/usr/share/mime/packages").glob("*.xml"):
        if package.name != f"{APP_ID}.xml":
            shutil.copy(package, bare / "packages")
    run(["update-mime-database", bare], env=quick)

    samples = work / "samples"
    samples.mkdir()
    shutil.copy(demo_database, samples / "runlens.db")
    shutil.copy(demo_database, samples / "sweep-2026.db")
    shutil.copy(FIXTURES / "mlflow-sqlite/mlflow.db", samples / "mlflow.db")
    event_file = min((FIXTURES / "tensorboard").rglob("events.out.tfevents.*"))
    shutil.copy(event_file, samples / event_file.name)
    shutil.copy(event_file, samples / "renamed-events.bin")
    plain = sqlite3.connect(samples / "plain.db")
    plain.execute("CREATE TABLE t(x)")
    plain.commit()
    plain.close()
    expected = {
        "runlens.db": "application/x-runlens-database",
        "sweep-2026.db": "application/x-runlens-database",
        "mlflow.db": "application/x-mlflow-database",
        event_file.name: "application/x-tensorboard-events",
        "renamed-events.bin": "application/x-tensorboard-events",
        "plain.db": "application/vnd.sqlite3",
    }
    # The installed binary on PATH, as /usr/bin is: the desktop file's TryExec hides the entry otherwise.
    base = dict(os.environ, XDG_DATA_HOME=str(work / "no-data"), XDG_CONFIG_HOME=str(work / "no-config"),
                XDG_CONFIG_DIRS=str(work / "no-config"),
                PATH=f"{root / 'usr/bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    layouts = {
        "in the system database": dict(base, XDG_DATA_DIRS=str(merged.parent)),
        "in front of the system's": dict(base, XDG_DATA_DIRS=f"{root / 'usr/share'}:/usr/share"),
    }
    problems = []
    for layout, env in layouts.items():
        print(f"MIME types, the package's rules {layout}:")
        for name, want in expected.items():
            got = content_type(samples / name, env)
            print(f"  {name}: {got}")
            if got != want:
                problems.append(f"{name} is {got} with the rules {layout}, expected {want}")
        # What a double-click opens: the default application, the only one registered here.
        for mime_type in sorted(MIME_TYPES):
            default = run(["gio", "mime", mime_type], env=env).splitlines()[0]
            if not default.startswith("Default application") or not default.endswith(f"{APP_ID}.desktop"):
                problems.append(f"{mime_type} does not open with {APP_ID}.desktop ({layout}): {default}")
    # Without the package's rules the Runlens database is plain SQLite: the answers above come from them.
    if content_type(samples / "sweep-2026.db", dict(base, XDG_DATA_DIRS=str(bare.parent))) != \
            "application/vnd.sqlite3":
        problems.append("without the package's MIME rules a Runlens database is not application/vnd.sqlite3")
    if problems:
        raise CheckFailed("MIME: " + "; ".join(problems))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    build_dir = Path(sys.argv[1]).resolve()
    try:
        check_tools()
        deb = build_deb(build_dir)
        check_file_list(deb)
        with tempfile.TemporaryDirectory(prefix="runlens-package-") as tmp:
            work = Path(tmp)
            root = work / "root"
            run(["dpkg", "-x", deb, root])
            check_depends(deb, root / "usr/bin/runlens")
            check_desktop_file(root)
            check_metainfo(root)
            demo_database = check_installed_binary(root, work)
            check_python_client(deb, root, work)
            check_mime(root, work, demo_database)
    except CheckFailed as failure:
        print(f"check-package: FAILED: {failure}", file=sys.stderr)
        return 1
    print("check-package: the package is complete, valid and runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
