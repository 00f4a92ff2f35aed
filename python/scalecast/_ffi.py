# SPDX-License-Identifier: GPL-3.0-or-later
"""Loading libscalecast through cffi in ABI mode (no compiler needed).

The declarations come from the library's own public header, read at import time, so that the
struct layouts Python sees are the ones the library was compiled with. The header and the
shared library are looked up, in order:

  1. the environment variables SCALECAST_HEADER and SCALECAST_LIB;
  2. copies inside this package (``_lib/``: what ``pip install`` of python/ puts there when
     the build folder is known, see docs/python.md);
  3. the source tree this package sits in (``../include/scalecast.h``, ``../build/``);
  4. the installed library (``pkg-config --variable=prefix scalecast``, then the linker's
     search path).
"""
import os
import re
import subprocess

import cffi

_HERE = os.path.dirname(os.path.abspath(__file__))
_TREE = os.path.normpath(os.path.join(_HERE, "..", ".."))


def _pkg_config_prefix():
    try:
        out = subprocess.run(["pkg-config", "--variable=prefix", "scalecast"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


def _candidates():
    headers, libs = [], []
    if os.environ.get("SCALECAST_HEADER"):
        headers.append(os.environ["SCALECAST_HEADER"])
    if os.environ.get("SCALECAST_LIB"):
        libs.append(os.environ["SCALECAST_LIB"])
    headers.append(os.path.join(_HERE, "_lib", "scalecast.h"))
    libs.append(os.path.join(_HERE, "_lib", "libscalecast.so.0"))
    headers.append(os.path.join(_TREE, "include", "scalecast.h"))
    libs.append(os.path.join(_TREE, "build", "libscalecast.so.0"))
    prefix = _pkg_config_prefix()
    if prefix:
        headers.append(os.path.join(prefix, "include", "scalecast.h"))
        for sub in ("lib", "lib64", "lib/x86_64-linux-gnu"):
            libs.append(os.path.join(prefix, sub, "libscalecast.so.0"))
    for prefix in ("/usr/local", "/usr"):
        headers.append(os.path.join(prefix, "include", "scalecast.h"))
    libs.append("libscalecast.so.0")  # the dynamic linker's search path
    return headers, libs


def _cdef_text(header):
    """The public header without preprocessor lines, as pycparser (cffi) reads it."""
    text = open(header, encoding="utf-8").read()
    consts = {}
    for name, value in re.findall(r"^#define\s+(SC_\w+)\s+(\d+)\b", text, re.M):
        consts[name] = value
    # Only what lies inside extern "C" { ... }: drop the #if/#define/#include lines.
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    text = "\n".join(lines)
    text = re.sub(r'extern\s+"C"\s*\{', "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = text.replace("SC_NODISCARD", "")
    text = re.sub(r"SC_PRINTF\(\s*\d+\s*,\s*\d+\s*\)", "", text)
    # The closing brace of extern "C" is the last one in the file.
    end = text.rfind("}")
    if end >= 0 and text[end + 1:].strip() == "":
        text = text[:end]
    for name, value in consts.items():
        text = re.sub(r"\b%s\b" % name, value, text)
    return text


def _load():
    headers, libs = _candidates()
    header = next((h for h in headers if os.path.isfile(h)), None)
    if header is None:
        raise ImportError("scalecast: the header scalecast.h was not found (set SCALECAST_HEADER; "
                          "looked in: %s)" % ", ".join(headers))
    ffi = cffi.FFI()
    ffi.cdef(_cdef_text(header))
    errors = []
    for path in libs:
        if os.sep in path and not os.path.exists(path):
            continue
        try:
            return ffi, ffi.dlopen(path), header, path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("scalecast: libscalecast.so.0 was not found (build it with `make build`, or "
                      "set SCALECAST_LIB); tried: %s" % "; ".join(errors or libs))


ffi, lib, HEADER, LIBRARY = _load()
