"""What the package's tests share: the package from this checkout, a local server that records what it receives,
and fake keys made at test time. KEYWARD_LIBRARY must name the built libkeyward_c.so."""
import http.server
import json
import os
import random
import string
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WAIT_SECONDS = 20


def fake_key(seed):
    """32 characters of [A-Za-z0-9] from a fixed seed: made up here, never a real key."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))


def chat(content):
    return {"model": "mistral-small-latest", "messages": [{"role": "user", "content": content}]}


class RecordingServer:
    """A local HTTP server standing in for the API: it records every request it receives (method, path, headers,
    body) and answers a small chat completion."""

    def __init__(self):
        self.received = []
        self.changed = threading.Condition()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server.changed:
                    server.received.append({"method": self.command, "path": self.path,
                                            "headers": self.headers, "body": body})
                    server.changed.notify_all()
                out = json.dumps({"id": "cmpl-1", "object": "chat.completion", "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def wait_for(self, count):
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.received) >= count, WAIT_SECONDS):
                raise AssertionError(f"received {len(self.received)} requests, expected {count}")
            return list(self.received)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
