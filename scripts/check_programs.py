#!/usr/bin/env python3
"""Every program the scripts and tests run comes from a listed package.

A fresh Debian 12 machine has only what scripts/setup.sh installs (the lists
in scripts/packages/*.txt) on top of a minimal system. This check finds the
programs that scripts/*.sh, tests/**/*.sh, the CMake files (add_test COMMAND,
find_program) and the C++ tests (system/popen/Shell calls) start, and demands
that each is named in scripts/packages/programs.txt with its Debian package,
that the package is in one of the package lists (or is part of every Debian
system), and, where the program is installed here, that dpkg agrees.

    python3 scripts/check_programs.py [ROOT]      exit 0: all found; 1: not
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))

# Packages of every Debian 12 system (debootstrap --variant=minbase: the
# Essential and Required sets) that the scripts rely on.
BASE_PACKAGES = {"bash", "coreutils", "grep", "sed", "findutils", "util-linux", "mawk", "diffutils", "tar",
                 "gzip", "dpkg", "apt", "debianutils", "hostname", "ncurses-bin", "git", "mount"}
SHELL_WORDS = {
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case", "esac", "function",
    "return", "local", "export", "set", "unset", "shift", "exit", "echo", "printf", "read", "cd", "pwd", "trap",
    "wait", "kill", "true", "false", "test", "source", "eval", "exec", "declare", "mapfile", "readarray", "let",
    "break", "continue", "command", "type", "builtin", "time", "[", "[[", "{", "}", "(", ")", "!", ":", ".",
    "alias", "ulimit", "umask", "jobs", "disown", "select", "getopts", "hash", "printenv", "sleep_ms",
}


def listed_packages():
    pkgs = set()
    folder = os.path.join(ROOT, "scripts", "packages")
    for name in os.listdir(folder):
        if not (name.startswith("deb-") or name.startswith("test-")) or not name.endswith(".txt"):
            continue
        for line in open(os.path.join(folder, name)):
            pkgs.update(line.split("#", 1)[0].split())
    return pkgs


def program_table():
    table = {}
    for line in open(os.path.join(ROOT, "scripts", "packages", "programs.txt")):
        words = line.split("#", 1)[0].split()
        if len(words) == 2:
            table[words[0]] = words[1]
    return table


def strip_quotes(line):
    """Drops quoted text that cannot start a command: single-quoted strings,
    and double-quoted ones without a command substitution."""
    line = re.sub(r"'[^']*'", "''", line)
    return re.sub(r'"([^"$]|\$[^(])*"', '""', line)


def shell_programs(path):
    """Words in command position of a bash script (heredocs, case labels and
    multi-line strings skipped)."""
    found = set()
    text = open(path, encoding="utf-8", errors="replace").read()
    functions = set(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\)\s*\{", text, re.M))
    heredoc = None
    open_quote = False
    for raw in text.splitlines():
        if heredoc is not None:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        if open_quote:
            if raw.count('"') % 2 == 1:
                open_quote = False
            continue
        if raw.lstrip().startswith("#"):
            continue
        m = re.search(r"<<-?\s*['\"]?([A-Za-z_]+)['\"]?", raw)
        line = strip_quotes(raw.split(" #", 1)[0])
        if re.search(r"\s-[ce]\s+\"[^\"]*$", line):  # python3 -c "... on several lines
            open_quote = True
            line = line[: line.rindex('"')]
        line = re.sub(r"^\s*[^()\s]+\)\s", " ", line)  # a case label
        for part in re.split(r"\|\||&&|[|;&]|\$\(|`|\bthen\b|\bdo\b|\belse\b", line):
            words = part.strip().split()
            while words and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]) or words[0] in {"!", "time"}):
                words = words[1:]
            if not words:
                continue
            w = words[0]
            if not re.match(r"^[a-z][a-z0-9_+-]*$", w) or w in SHELL_WORDS or w in functions:
                continue
            found.add(w)
        if m:
            heredoc = m.group(1)
    return found


def cmake_programs(path):
    text = open(path, encoding="utf-8").read()
    found = set(re.findall(r"find_program\(\s*\w+\s+([A-Za-z0-9_.+-]+)", text))
    for cmd in re.findall(r"add_test\([^)]*?COMMAND\s+([^\s)]+)", text, re.S):
        if not cmd.startswith("$"):
            found.add(cmd)
    return found


def cxx_programs(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    found = set()
    for m in re.finditer(r"\b(?:system|popen|Shell|execlp|execvp)\(\s*(?:std::string\()?\"([a-z][a-z0-9_.+-]*)[ \"]", text):
        if m.group(1) not in SHELL_WORDS:
            found.add(m.group(1))
    return found


def main():
    programs = {}
    for base, dirs, files in os.walk(ROOT):
        rel = os.path.relpath(base, ROOT)
        if rel.startswith((".git", "build", ".peers", ".tinykg")) or "/build" in rel:
            dirs[:] = []
            continue
        for f in files:
            p = os.path.join(base, f)
            r = os.path.relpath(p, ROOT)
            if f.endswith(".sh") and (r.startswith("scripts/") or r.startswith("tests/") or r.startswith(".ci/")):
                got = shell_programs(p)
            elif f == "CMakeLists.txt" or f.endswith(".cmake"):
                got = cmake_programs(p)
            elif f.endswith(".cc") and r.startswith("tests/"):
                got = cxx_programs(p)
            elif r == ".ci/run":
                got = shell_programs(p)
            else:
                continue
            for prog in got:
                programs.setdefault(prog, set()).add(r)

    table = program_table()
    listed = listed_packages() | BASE_PACKAGES
    problems = []
    for prog, where in sorted(programs.items()):
        if prog not in table:
            problems.append("%s (run by %s) is not in scripts/packages/programs.txt" % (prog, ", ".join(sorted(where))))
            continue
        pkg, *others = table[prog].split("|")  # pkg|alternative: another source that also provides it
        if pkg in ("-", "none"):  # ours (a tinykg binary), or a word the scan mistakes for a program
            continue
        if pkg not in listed:
            problems.append("%s comes from %s, which no package list installs" % (prog, pkg))
            continue
        path = subprocess.run(["bash", "-c", "command -v " + prog], capture_output=True, text=True).stdout.strip()
        if path:
            real = os.path.realpath(path)
            owner = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True).stdout
            owner2 = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True).stdout
            owners = {o.split(":")[0].strip() for o in (owner + owner2).splitlines() if ":" in o}
            owners = {x for o in owners for x in o.split(", ")}
            if owners and pkg not in owners and not owners & set(others):
                problems.append("%s is %s here, from %s, not %s as programs.txt says" %
                                (prog, path, ", ".join(sorted(owners)), pkg))
    for p in problems:
        print("check_programs: " + p)
    print("check_programs: %d programs, %d problems" % (len(programs), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
