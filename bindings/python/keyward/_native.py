"""Loading libkeyward_c (the C ABI of scanner/capi/keyward_c.h) with ctypes, and the signatures of its functions.

The library is looked for, in order: the file KEYWARD_LIBRARY names; next to this package (a wheel built with
KEYWARD_LIBRARY set carries it there); the system's library path (libkeyward_c.so)."""
from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path
from typing import Optional

KW_OK = 0
KW_ERROR_ARGUMENT = 1
KW_ERROR_CONFIG = 2
KW_ERROR_INPUT = 3
KW_ERROR_INTERNAL = 4

VERDICTS = {0: "allowed", 1: "redacted", 2: "blocked"}

LIBRARY_FILE = "libkeyward_c.so"

_handle = ctypes.c_void_p
_lock = threading.Lock()
_library: Optional[ctypes.CDLL] = None


def _candidates() -> list[str]:
    found = []
    named = os.environ.get("KEYWARD_LIBRARY")
    if named:
        found.append(named)
    beside = Path(__file__).resolve().parent / LIBRARY_FILE
    if beside.exists():
        found.append(str(beside))
    found.append(LIBRARY_FILE)  # the dynamic loader's search path
    return found


def _declare(lib: ctypes.CDLL) -> None:
    lib.kw_filter_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(_handle)]
    lib.kw_filter_new_with_config.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                              ctypes.POINTER(_handle)]
    lib.kw_filter_free.argtypes = [_handle]
    lib.kw_filter_free.restype = None
    for name in ("kw_filter_screen", "kw_filter_screen_request"):
        function = getattr(lib, name)
        function.argtypes = [_handle, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(_handle)]
    for name in ("kw_filter_screen_key", "kw_filter_screen_request_key"):
        function = getattr(lib, name)
        function.argtypes = [_handle, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t,
                             ctypes.POINTER(_handle)]
    lib.kw_result_verdict.argtypes = [_handle]
    lib.kw_result_text.argtypes = [_handle, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]
    lib.kw_result_findings_json.argtypes = [_handle, ctypes.POINTER(ctypes.c_void_p)]
    lib.kw_result_audit_json.argtypes = [_handle, ctypes.POINTER(ctypes.c_void_p)]
    lib.kw_result_free.argtypes = [_handle]
    lib.kw_result_free.restype = None
    lib.kw_string_free.argtypes = [ctypes.c_void_p]
    lib.kw_string_free.restype = None
    lib.kw_last_error.argtypes = []
    lib.kw_last_error.restype = ctypes.c_char_p
    lib.kw_version.argtypes = []
    lib.kw_version.restype = ctypes.c_char_p


def library() -> ctypes.CDLL:
    """The loaded library (loaded once); ImportError, naming every place looked at, when there is none."""
    global _library
    with _lock:
        if _library is not None:
            return _library
        problems = []
        for candidate in _candidates():
            try:
                lib = ctypes.CDLL(candidate)
            except OSError as e:
                problems.append(f"{candidate}: {e}")
                continue
            try:
                _declare(lib)
            except AttributeError as e:
                problems.append(f"{candidate}: too old for this package ({e})")
                continue
            _library = lib
            return lib
        raise ImportError("keyward: cannot load libkeyward_c (build it with cmake; set KEYWARD_LIBRARY to its path): "
                          + "; ".join(problems))


def last_error(lib: ctypes.CDLL) -> str:
    return (lib.kw_last_error() or b"").decode("utf-8", "replace")


def take_string(lib: ctypes.CDLL, pointer: ctypes.c_void_p) -> str:
    """A string the library handed out, copied and freed."""
    try:
        return ctypes.string_at(pointer).decode("utf-8", "replace")
    finally:
        lib.kw_string_free(pointer)
