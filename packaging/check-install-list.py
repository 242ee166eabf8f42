#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Proves that packaging/install-debian-deps.sh installs everything a build tree used.

Each file the build used must belong to a Debian package inside the dependency closure (Depends and
Pre-Depends only, as `apt-get install --no-install-recommends` installs) of the packages the install script
names:
  - every header a compiler read (ninja's deps log, `ninja -t deps`, of the build and of its sub-builds);
  - every CMake package configuration the configure step loaded (`*Config.cmake` / `*-config.cmake` in each
    `<Pkg>_DIR` of CMakeCache.txt) and every other CMake file outside the checkout it read;
  - every shared library the built executables link (`ldd`).
A file from no package (hand-installed, /usr/local) fails too. Exit status 0 when complete, 1 with one line per
missing package naming a file that needed it, 2 when the check itself cannot run.

Usage: check-install-list.py BUILD_DIR [--packages "pkg pkg ..."] [--without PKG]
  --without PKG  checks the list without PKG and succeeds only if the check then fails naming PKG: proof that
                 a gap in the list is caught.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)


def fail(message):
    print(f"check-install-list: {message}", file=sys.stderr)
    sys.exit(2)


def listed_packages():
    out = subprocess.run([os.path.join(HERE, "install-debian-deps.sh"), "--list"], capture_output=True,
                         text=True, check=True).stdout
    return out.split()


class Dpkg:
    """What dpkg knows on this machine: installed packages, their relations and files."""

    def __init__(self):
        fields = "${Package}\t${Status}\t${Depends}\t${Pre-Depends}\t${Provides}\n"
        out = subprocess.run(["dpkg-query", "-W", "-f", fields], capture_output=True, text=True,
                             check=True).stdout
        self.depends = {}   # installed package -> list of alternative groups, each a list of names
        self.providers = {}  # virtual name -> installed packages providing it
        for line in out.splitlines():
            name, status, depends, predepends, provides = (line.split("\t") + [""] * 5)[:5]
            if not status.endswith(" installed"):
                continue
            groups = self.depends.setdefault(name, [])
            for relation in (depends, predepends):
                for group in filter(None, (g.strip() for g in relation.split(","))):
                    groups.append([self.bare(alt) for alt in group.split("|")])
            for virtual in filter(None, (p.strip() for p in provides.split(","))):
                self.providers.setdefault(self.bare(virtual), set()).add(name)
        self.owners = {}  # path -> packages that ship it
        for listing in glob.glob("/var/lib/dpkg/info/*.list"):
            package = os.path.basename(listing)[:-len(".list")].split(":")[0]
            with open(listing, encoding="utf-8", errors="surrogateescape") as f:
                for path in f.read().splitlines():
                    self.owners.setdefault(path, set()).add(package)

    @staticmethod
    def bare(relation):
        # "libfoo1:any (>= 1.2) [amd64]" -> "libfoo1"
        return re.split(r"[\s(:\[]", relation.strip(), maxsplit=1)[0]

    def satisfiers(self, name):
        if name in self.depends:
            return {name}
        return self.providers.get(name, set())

    def closure(self, roots):
        """Packages apt installs for `roots` without recommends: for an alternative group, the first
        alternative that is installed here (real or through a provider)."""
        seen, todo = set(), []
        for root in roots:
            found = self.satisfiers(root)
            if not found:
                fail(f"the install list names {root}, which is not installed here: run "
                     "packaging/install-debian-deps.sh first")
            todo.extend(found)
        while todo:
            package = todo.pop()
            if package in seen:
                continue
            seen.add(package)
            for group in self.depends.get(package, []):
                for alternative in group:
                    found = self.satisfiers(alternative)
                    if found:
                        todo.extend(found)
                        break
        return seen

    def owner(self, path):
        """The packages owning `path`, trying the names dpkg may have recorded it under (Debian 12 merges
        /lib into /usr/lib, but packages still list the name they were built with)."""
        candidates = [os.path.normpath(path), os.path.realpath(path)]
        for p in list(candidates):
            for merged in ("/lib", "/bin", "/sbin", "/lib64"):
                if p.startswith("/usr" + merged + "/"):
                    candidates.append(p[len("/usr"):])
                elif p.startswith(merged + "/"):
                    candidates.append("/usr" + p)
        for p in candidates:
            if p in self.owners:
                return self.owners[p]
        return set()


def source_dir(build):
    """The checkout the build tree was configured from (CMAKE_HOME_DIRECTORY), else this script's."""
    try:
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:INTERNAL="):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return SOURCE


def inside(path, roots):
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def headers(build, skip):
    """(file, what needed it) for every header in the deps logs of the build and its ninja sub-builds."""
    found = {}
    logs = glob.glob(os.path.join(build, "**", ".ninja_deps"), recursive=True)
    if not logs:
        fail(f"no ninja deps log under {build}: build it with -G Ninja first")
    for log in logs:
        where = os.path.dirname(log)
        out = subprocess.run(["ninja", "-C", where, "-t", "deps"], capture_output=True, text=True,
                             check=True).stdout
        target = ""
        for line in out.splitlines():
            if line.startswith("    "):
                path = os.path.normpath(os.path.join(where, line.strip()))
                if not inside(path, skip):
                    found.setdefault(path, f"#include in {target}")
            elif line.strip():
                target = line.split(":")[0]
    return found


def cmake_files(build, skip):
    found = {}
    cache = os.path.join(build, "CMakeCache.txt")
    if not os.path.exists(cache):
        fail(f"{cache} not found")
    # What the last configure read (ninja re-runs CMake when any of these changes).
    loaded = set()
    with open(os.path.join(build, "build.ninja"), encoding="utf-8") as f:
        text = f.read().replace("$\n", " ")
    for m in re.finditer(r"^build build\.ninja[^\n]*?: RERUN_CMAKE[^\n]*", text, re.M):
        loaded.update(os.path.normpath(p.replace("$ ", " ")) for p in m.group(0).split() if p.startswith("/"))
    with open(cache, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z0-9_.+-]+)_DIR:PATH=(/.*)$", line.strip())
            if not m:
                continue
            for config in glob.glob(os.path.join(m.group(2), "*Config.cmake")) + \
                    glob.glob(os.path.join(m.group(2), "*-config.cmake")):
                config = os.path.normpath(config)
                # A <Pkg>_DIR left in the cache by an earlier configure is not what this build used.
                if not loaded or config in loaded:
                    found.setdefault(config, f"find_package({m.group(1)})")
    for path in loaded:
        if not inside(path, skip):
            found.setdefault(path, "the CMake configure")
    return found


def is_elf_executable(path):
    if not os.path.isfile(path) or os.path.islink(path) or not os.access(path, os.X_OK):
        return False
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def libraries(build):
    found = {}
    executables = [p for p in glob.glob(os.path.join(build, "**", "*"), recursive=True)
                   if "CMakeFiles" not in p.split(os.sep) and is_elf_executable(p)]
    if not executables:
        fail(f"no executables under {build}: build first")
    for exe in executables:
        out = subprocess.run(["ldd", exe], capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"^\s*(\S+) => (\S+)", line)
            if m and m.group(2) == "not":
                found.setdefault("not found: " + m.group(1), os.path.relpath(exe, build))
            elif m:
                found.setdefault(m.group(2), f"linked by {os.path.relpath(exe, build)}")
            else:
                m = re.match(r"^\s*(/\S+) \(", line)  # the dynamic loader
                if m:
                    found.setdefault(m.group(1), f"linked by {os.path.relpath(exe, build)}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", help="a configured and built build tree (Ninja generator)")
    parser.add_argument("--packages", help="check this list instead of the install script's")
    parser.add_argument("--without", help="drop this package from the list and expect the check to name it")
    args = parser.parse_args()
    build = os.path.realpath(args.build)
    roots = args.packages.split() if args.packages is not None else listed_packages()
    if args.without:
        if args.without not in roots:
            fail(f"--without {args.without}: the list does not name it")
        roots.remove(args.without)

    dpkg = Dpkg()
    closure = dpkg.closure(roots)
    skip = [os.path.realpath(source_dir(build)), build]
    needed = {}
    needed.update(libraries(build))
    needed.update(cmake_files(build, skip))
    needed.update(headers(build, skip))

    missing = {}     # package -> (file, why)
    unowned = []
    # The file named for a missing package: the most telling first (a find_package over any CMake file).
    telling = lambda item: (not item[1].startswith("find_package"), item[1] == "the CMake configure", item[0])
    for path, why in sorted(needed.items(), key=telling):
        if path.startswith("not found: "):
            unowned.append(f"{path[len('not found: '):]} ({why}) is not found by the dynamic linker")
            continue
        owners = dpkg.owner(path)
        if not owners:
            unowned.append(f"{path} ({why}) belongs to no Debian package")
        elif not owners & closure:
            for package in sorted(owners):
                missing.setdefault(package, (path, why, 0))
                file, reason, count = missing[package]
                missing[package] = (file, reason, count + 1)

    print(f"check-install-list: {len(needed)} files the build used, {len(closure)} packages in the closure of "
          f"{len(roots)} listed")
    for package, (file, why, count) in sorted(missing.items()):
        more = f" and {count - 1} more file(s)" if count > 1 else ""
        print(f"MISSING {package}: {file} ({why}){more}")
    for line in unowned:
        print(f"UNOWNED {line}")
    if args.without:
        if args.without in missing:
            print(f"check-install-list: without {args.without} the check fails, as it must")
            return 0
        print(f"check-install-list: without {args.without} the check does not name it", file=sys.stderr)
        return 1
    if missing or unowned:
        print("check-install-list: packaging/install-debian-deps.sh does not install everything the build "
              "used", file=sys.stderr)
        return 1
    print("check-install-list: the install list covers the build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
