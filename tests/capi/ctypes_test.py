"""The C ABI from another language: Python's ctypes (standard library only) screens text and a request through
libkeyward_c.so. Usage: ctypes_test.py PATH_TO_LIBKEYWARD_C_SO"""
import ctypes
import json
import sys

KW_OK, KW_ERROR_INPUT = 0, 3
ALLOWED, REDACTED, BLOCKED = 0, 1, 2


def load(path):
    lib = ctypes.CDLL(path)
    handle = ctypes.c_void_p
    lib.kw_filter_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(handle)]
    lib.kw_filter_free.argtypes = [handle]
    for name in ("kw_filter_screen", "kw_filter_screen_request"):
        getattr(lib, name).argtypes = [handle, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(handle)]
    lib.kw_result_verdict.argtypes = [handle]
    lib.kw_result_text.argtypes = [handle, ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t)]
    lib.kw_result_findings_json.argtypes = [handle, ctypes.POINTER(ctypes.c_void_p)]
    lib.kw_result_audit_json.argtypes = [handle, ctypes.POINTER(ctypes.c_void_p)]
    lib.kw_result_free.argtypes = [handle]
    lib.kw_string_free.argtypes = [ctypes.c_void_p]
    lib.kw_last_error.restype = ctypes.c_char_p
    lib.kw_version.restype = ctypes.c_char_p
    return lib


def screen(lib, filt, data, request):
    result = ctypes.c_void_p()
    function = lib.kw_filter_screen_request if request else lib.kw_filter_screen
    status = function(filt, data, len(data), ctypes.byref(result))
    if status != KW_OK:
        return status, None, None, None
    text, size = ctypes.c_char_p(), ctypes.c_size_t()
    assert lib.kw_result_text(result, ctypes.byref(text), ctypes.byref(size)) == KW_OK
    rewritten = ctypes.string_at(text, size.value)
    findings = ctypes.c_void_p()
    assert lib.kw_result_findings_json(result, ctypes.byref(findings)) == KW_OK
    report = json.loads(ctypes.string_at(findings).decode())
    lib.kw_string_free(findings)
    audit = ctypes.c_void_p()
    assert lib.kw_result_audit_json(result, ctypes.byref(audit)) == KW_OK
    record = json.loads(ctypes.string_at(audit).decode())
    lib.kw_string_free(audit)
    verdict = lib.kw_result_verdict(result)
    lib.kw_result_free(result)
    return verdict, rewritten, report, record


def main():
    lib = load(sys.argv[1])
    assert lib.kw_version().decode().count(".") == 2

    filt = ctypes.c_void_p()
    policy = b'[filter.rules]\npii-credit-card-visa = "mask"\n'
    assert lib.kw_filter_new(policy, None, ctypes.byref(filt)) == KW_OK, lib.kw_last_error()

    # Text: an e-mail redacted, a card masked, a UUID left alone.
    text = b"mail dana.whitfield@northwind-traders.net, card 4111 1111 1111 1111, job 9c1185a5-c5e9-4b3a-9a1d-2d9f4c7e8a10"
    verdict, rewritten, report, _ = screen(lib, filt, text, request=False)
    assert verdict == REDACTED, verdict
    assert rewritten == b"mail [REDACTED:email], card **** **** **** 1111, job 9c1185a5-c5e9-4b3a-9a1d-2d9f4c7e8a10", rewritten
    assert [f["rule"] for f in report["findings"]] == ["pii-email", "pii-credit-card-visa"], report

    # A request: redacted inside a tool call's JSON arguments, every other field unchanged.
    request = {
        "model": "mistral-small-latest",
        "messages": [
            {"role": "user", "content": "hello"},
            {"role": "assistant", "tool_calls": [{"id": "c1", "function": {
                "name": "send", "arguments": json.dumps({"to": "priya.n@mailbox.org"})}}]},
        ],
    }
    verdict, rewritten, report, record = screen(lib, filt, json.dumps(request).encode(), request=True)
    assert verdict == REDACTED, verdict
    output = json.loads(rewritten)
    assert json.loads(output["messages"][1]["tool_calls"][0]["function"]["arguments"]) == {"to": "[REDACTED:email]"}
    output["messages"][1]["tool_calls"][0]["function"]["arguments"] = request["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert output == request
    assert report["findings"][0]["pointer"] == "/messages/1/tool_calls/0/function/arguments/to", report
    assert record["verdict"] == "redacted" and record["model"] == "mistral-small-latest", record
    assert "priya" not in json.dumps(record)

    # A secret blocks, and nothing is handed out.
    key = "MISTRAL_API_KEY=" + "Qx7vLm2NpR4sT8wYb3Kd6Hf9Jg1Zc5Ae"  # keyward:allow (a made-up value)
    verdict, rewritten, report, _ = screen(lib, filt, json.dumps({"messages": [{"role": "user", "content": key}]}).encode(), request=True)
    assert verdict == BLOCKED and rewritten == b"", (verdict, rewritten)
    assert "Qx7vLm2N" not in json.dumps(report)

    # Bad input is an error status with a message, never a verdict.
    status, *_ = screen(lib, filt, b'{"messages": [', request=True)
    assert status == KW_ERROR_INPUT and b"invalid JSON" in lib.kw_last_error(), status
    status, *_ = screen(lib, filt, b"caf\xe9", request=False)
    assert status == KW_ERROR_INPUT and b"UTF-8" in lib.kw_last_error()

    # A bad policy fails to build, with the reason.
    bad = ctypes.c_void_p()
    assert lib.kw_filter_new(b'[filter]\nsecret = "drop"\n', None, ctypes.byref(bad)) != KW_OK
    assert b"secret" in lib.kw_last_error()
    assert lib.kw_filter_new(None, b"prod", ctypes.byref(bad)) != KW_OK

    lib.kw_filter_free(filt)
    print("ctypes: ok")


if __name__ == "__main__":
    main()
