"""Builds the runtime image's root file system: Python, the standard-library modules the service and
its health check import, the shared libraries those need, and nothing else (no shell, package
manager, perl, docs, locales or test suites). Runs in the Dockerfile's build stages, as root, on
the base image's own Python; the final stage is FROM scratch and copies the result. Two steps, so
that a change to the service's code rebuilds the runtime only when it changes what is imported:

  python3 runtime_root.py imports SOURCES LIST   the standard-library modules SOURCES (the folder
                                                  of the qts_observer package) imports, to LIST
  python3 runtime_root.py assemble LIST OUT      the root file system with what LIST names, in OUT
                                                  (a new folder); fails unless it imports all of it
"""

import ast
import compileall
import importlib.util
import modulefinder
import os
import shutil
import subprocess
import sys
import sysconfig

SERVICE_UID = SERVICE_GID = 10001

# What the service (python3 -m qts_observer runs qts_observer.__main__, which calls service.main) and its
# health check import when they start.
ENTRY_IMPORTS = ["qts_observer.service", "urllib.request"]

# Never needed to run a service: test suites and frameworks, debuggers, docs, IDLE, Tk, installers.
DEVELOPMENT_TOOLS = ["test", "unittest", "doctest", "pdb", "bdb", "pydoc", "pydoc_data", "idlelib", "tkinter",
                     "turtle", "turtledemo", "ensurepip", "venv", "lib2to3", "distutils", "profile", "cProfile", "trace"]

# Imports every entry, then every codec (the codec registry imports encodings.<name> by name, which no
# finder can see; those for other systems, like mbcs, fail and are left out), and prints the name of
# each module imported, then the name and file of each module loaded.
PROBE = """
import importlib, pkgutil, sys, encodings
names = ENTRIES + ['encodings.' + m.name for m in pkgutil.iter_modules(encodings.__path__)]
for name in names:
    try:
        importlib.import_module(name)
        print('module', name)
    except ImportError:
        if name in ENTRIES: raise
for name, module in list(sys.modules.items()):
    if getattr(module, '__file__', None): print('file', name, module.__file__)
"""


# Where this Python's standard library is: the pure-Python modules, and the extension modules.
STDLIB = [os.path.realpath(sysconfig.get_paths()[key]) for key in ("stdlib", "platstdlib")]


def imports(sources, listing):
    """Writes the standard-library modules the service imports, one per line, sorted: those loaded
    when it starts, and those its code imports later, inside functions."""
    _, loaded = probe(sys.executable, sources)
    modules = {name for name, path in loaded.items() if in_any(path, STDLIB) and name != "__main__"}
    for name in imported_in_code(sources) - modules:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin and in_any(os.path.realpath(spec.origin), STDLIB):
            modules.add(name)
    with open(listing, "w", encoding="utf-8") as out:
        out.writelines(f"{name}\n" for name in sorted(modules))


def assemble(listing, out):
    if os.path.exists(out):
        sys.exit(f"runtime_root.py: {out} exists; give a new directory")
    with open(listing, encoding="utf-8") as lines:
        modules = [line.strip() for line in lines if line.strip()]
    copied = []
    for path in sorted(p for p in imported_later(modules) if in_any(p, STDLIB)):
        copied += copy_path(path, out)
        if path.endswith(".py") and os.path.exists(importlib.util.cache_from_source(path)):
            copied += copy_path(importlib.util.cache_from_source(path), out)
    python = os.path.realpath(sys.executable)
    command = shutil.which("python3") or python  # the name the image's commands use
    copied += copy_path(command, out)
    libraries = {library for binary in [python] + [p for p in copied if p.endswith(".so")] for library in shared_libraries(binary)}
    # glibc loads libgcc_s itself (ldd cannot see it) when a thread is cancelled or exits early.
    libraries |= {gcc for gcc in (os.path.join(os.path.dirname(library), "libgcc_s.so.1") for library in libraries) if os.path.exists(gcc)}
    for library in sorted(libraries):
        copied += copy_path(library, out)
    # Debian's pyc files exist only for what was compiled at install; the rest is compiled here, once,
    # so that the read-only service never compiles at start.
    compileall.compile_dir(os.path.join(out, STDLIB[0].lstrip("/")), quiet=1, ddir=STDLIB[0])
    for directory in ("app/data/observer", "app/logs", "app/config"):
        os.makedirs(os.path.join(out, directory))
        os.chown(os.path.join(out, directory), SERVICE_UID, SERVICE_GID)
    os.makedirs(os.path.join(out, "tmp"))
    os.chmod(os.path.join(out, "tmp"), 0o1777)
    write_users(out)
    write_package_list(out, copied)
    check(out, command, modules)


def probe(python, sources, root=None, entries=ENTRY_IMPORTS):
    """Runs PROBE with python (inside root when given): the modules it imported, and the file of each module loaded."""
    command = [python, "-c", f"ENTRIES = {entries!r}\n{PROBE}"]
    if root is not None:
        command = ["chroot", root] + command
    environment = dict(os.environ, PYTHONPATH=sources, PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run(command, env=environment, capture_output=True, text=True)
    if run.returncode != 0:
        where = f" in the runtime root {root}" if root else ""
        sys.exit(f"runtime_root.py: importing the service and the codecs failed{where}:\n{run.stderr}")
    lines = [line.split(" ", 2) for line in run.stdout.splitlines()]
    return ([line[1] for line in lines if line[0] == "module"],
            {line[1]: os.path.realpath(line[2]) for line in lines if line[0] == "file"})


def imported_later(modules):
    """The files of the modules and of every module they import, imports inside functions included,
    but not the development tools that modules import only to test or debug themselves (in
    `if __name__ == "__main__":` blocks or helpers the service never calls)."""
    finder = modulefinder.ModuleFinder(excludes=DEVELOPMENT_TOOLS)
    for name in modules:
        try:
            finder.import_hook(name)
        except ImportError:
            pass  # an alias with no file of its own (_frozen_importlib is importlib._bootstrap): check() imports it
    return {os.path.realpath(module.__file__) for module in finder.modules.values() if module.__file__}


def imported_in_code(sources):
    """Every module an import statement of the service's code names, wherever the statement is."""
    names = set()
    for root, _, files in os.walk(sources):
        for file in (f for f in files if f.endswith(".py")):
            with open(os.path.join(root, file), encoding="utf-8") as source:
                tree = ast.parse(source.read(), file)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module)
    return names


def check(out, python, names):
    """The runtime root on its own imports what the service imported on the full base: a missing
    module or library fails the image build, not the deploy."""
    imported, _ = probe(python, "", root=out, entries=names)
    missing = sorted(set(names) - set(imported))
    if missing:
        sys.exit(f"runtime_root.py: the runtime root cannot import {', '.join(missing)}")


def shared_libraries(binary):
    """What the dynamic loader maps for a binary or extension module: ldd's resolved paths and the loader."""
    output = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    for line in output.splitlines():
        parts = line.split()
        if "=>" in parts and parts[parts.index("=>") + 1].startswith("/"):
            yield parts[parts.index("=>") + 1]
        elif parts and parts[0].startswith("/"):
            yield parts[0]


def in_any(path, directories):
    return any(path == d or path.startswith(d + os.sep) for d in directories)


def copy_path(path, out):
    """Copies a file to the same path under out, recreating the symbolic links on the way (Debian's
    /lib -> usr/lib, python3 -> python3.11) so that every name the loader or Python uses resolves.
    Returns the paths of the files and links copied."""
    copied = []
    current = "/"
    for part in path.strip("/").split("/"):
        current = os.path.join(current, part)
        target = os.path.join(out, current.lstrip("/"))
        if os.path.islink(current):
            if not os.path.lexists(target):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.symlink(os.readlink(current), target)
                if not os.path.isdir(current):  # a folder link (/lib) is listed by every package with files there
                    copied.append(current)
            # The rest of the path continues from the link's target, which is copied too.
            rest = os.path.relpath(path, current)
            resolved = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
            return copied + copy_path(resolved if rest == "." else os.path.join(resolved, rest), out)
    target = os.path.join(out, path.lstrip("/"))
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(path, target)
        copied.append(path)
    return copied


def in_real_directory(path):
    """The path with its folder's links resolved but not its own (Debian lists /lib/... for what is in
    /usr/lib/..., and both python3 and its target python3.11 belong to packages of their own)."""
    return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))


def write_users(out):
    os.makedirs(os.path.join(out, "etc"), exist_ok=True)
    with open(os.path.join(out, "etc/passwd"), "w") as passwd:
        passwd.write("root:x:0:0:root:/root:/usr/sbin/nologin\n")
        passwd.write(f"qts:x:{SERVICE_UID}:{SERVICE_GID}::/nonexistent:/usr/sbin/nologin\n")
    with open(os.path.join(out, "etc/group"), "w") as group:
        group.write(f"root:x:0:\nqts:x:{SERVICE_GID}:\n")


def write_package_list(out, copied):
    """dpkg's status entries of the packages the copied files come from, so that an image scanner still
    sees what is inside (and which versions). Without dpkg (a base not built from Debian packages) there is none."""
    info = "/var/lib/dpkg/info"
    if not os.path.isdir(info):
        return
    owner = {}
    for listing in os.listdir(info):
        if listing.endswith(".list"):
            package = listing[:-len(".list")].split(":")[0]
            with open(os.path.join(info, listing), encoding="utf-8", errors="replace") as files:
                for line in files:
                    owner.setdefault(in_real_directory(line.rstrip("\n")), set()).add(package)
    packages = set().union(*(owner.get(in_real_directory(path), set()) for path in copied))
    with open("/var/lib/dpkg/status", encoding="utf-8") as status:
        entries = status.read().split("\n\n")
    kept = [entry.strip("\n") for entry in entries
            if any(line.startswith("Package: ") and line[len("Package: "):] in packages for line in entry.splitlines())]
    os.makedirs(os.path.join(out, "var/lib/dpkg"), exist_ok=True)
    with open(os.path.join(out, "var/lib/dpkg/status"), "w", encoding="utf-8") as status:
        status.write("\n\n".join(kept) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("imports", "assemble"):
        sys.exit(__doc__)
    (imports if sys.argv[1] == "imports" else assemble)(sys.argv[2], sys.argv[3])
