"""What the proxy tests run against: a local stand-in for the API that records every request it receives, the real
`keyward proxy` binary run as a process, and fake keys made at test time. Standard library only.

Every wait has a bound, so a hang fails a test instead of stalling the suite."""
import http.server
import json
import os
import random
import re
import selectors
import signal
import socket
import ssl
import string
import subprocess
import tempfile
import threading
import time

WAIT_SECONDS = 20  # the bound of every wait: generous, never a timing assertion


def fake_key(seed):
    """32 characters of [A-Za-z0-9] from a fixed seed: made up here, never a real key."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))


class Received:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers  # list of (name, value) as received, in order
        self.body = body

    def header(self, name):
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)


class StandIn:
    """A local stand-in for the API (HTTP/1.1, kept-alive connections). It records every request it receives and
    answers a chat completion; `"stream": true` gets server-sent events. The test may set:
      gates: a list of threading.Event, one a stream event; event i is sent once gates[i] is set
      die_after: cut the connection after this many stream events (no end of the stream)
      status, answer: the status and JSON of a non-streamed answer"""

    def __init__(self, tls_context=None):
        self.received = []
        self.changed = threading.Condition()
        self.gates = None
        self.die_after = None
        self.events = [f"chunk {i}" for i in range(5)]
        self.status = 200
        self.answer = None
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with stand_in.changed:
                    stand_in.received.append(Received(self.command, self.path, list(self.headers.items()), body))
                    stand_in.changed.notify_all()
                try:
                    streamed = body.startswith(b"{") and json.loads(body).get("stream") is True
                except ValueError:
                    streamed = False
                if streamed:
                    stand_in.stream(self)
                else:
                    stand_in.respond(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls_context is not None:
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.scheme = "https" if tls_context is not None else "http"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def respond(self, handler):
        answer = self.answer or {
            "id": "cmpl-1", "object": "chat.completion", "created": 1700000000, "model": "mistral-small-latest",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
        }
        out = json.dumps(answer).encode()
        handler.send_response(self.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(out)))
        handler.send_header("X-Stand-In", "yes")
        handler.end_headers()
        handler.wfile.write(out)

    def stream(self, handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.flush()
        for i, text in enumerate(self.events):
            if self.die_after is not None and i == self.die_after:
                handler.close_connection = True
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            if self.gates is not None and not self.gates[i].wait(WAIT_SECONDS):
                return
            event = {"id": "cmpl-1", "object": "chat.completion.chunk", "created": 1700000000,
                     "model": "mistral-small-latest",
                     "choices": [{"index": 0, "delta": {"role": "assistant", "content": text},
                                  "finish_reason": "stop" if i == len(self.events) - 1 else None}]}
            write_chunk(handler.wfile, f"data: {json.dumps(event)}\n\n".encode())
        write_chunk(handler.wfile, b"data: [DONE]\n\n")
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()

    def wait_for(self, count):
        """Blocks until `count` requests have arrived; the list of them."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.received) >= count, WAIT_SECONDS):
                raise AssertionError(f"the stand-in received {len(self.received)} requests, expected {count}")
            return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def write_chunk(out, data):
    out.write(b"%x\r\n%s\r\n" % (len(data), data))
    out.flush()


class Proxy:
    """`keyward proxy` as a process, on a free port; ready once it says where it listens."""

    def __init__(self, binary, upstream, *args, cwd=None):
        self.cwd = cwd or tempfile.mkdtemp(prefix="keyward-proxy-")
        self.process = subprocess.Popen(
            [binary, "proxy", "--listen", "127.0.0.1:0", "--upstream", upstream, *args],
            cwd=self.cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.stderr = b""
        line = self._first_line()
        match = re.search(rb"listening on 127\.0\.0\.1:(\d+),", line)
        if not match:
            self.process.kill()
            self.process.wait(WAIT_SECONDS)
            raise AssertionError(f"keyward proxy did not start: {line.decode(errors='replace')}")
        self.port = int(match.group(1))
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()

    def _first_line(self):
        selector = selectors.DefaultSelector()
        selector.register(self.process.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + WAIT_SECONDS
        while b"\n" not in self.stderr:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                break
            chunk = os.read(self.process.stderr.fileno(), 4096)
            if not chunk:
                break
            self.stderr += chunk
        selector.close()
        line, _, self.stderr = self.stderr.partition(b"\n")
        return line

    def _read_rest(self):
        while chunk := os.read(self.process.stderr.fileno(), 4096):
            self.stderr += chunk

    def stop(self):
        """SIGTERM; the proxy must exit 0 (no crash, no hang)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(WAIT_SECONDS)
        self._drain.join(WAIT_SECONDS)
        self.process.stderr.close()
        return code


def run_keyward(binary, *args, cwd=None):
    return subprocess.run([binary, *args], cwd=cwd or tempfile.gettempdir(), capture_output=True,
                          timeout=WAIT_SECONDS, stdin=subprocess.DEVNULL)


class TestCertificates:
    """A CA of the test's own (openssl CLI), and server certificates it signs."""

    def __init__(self, directory):
        self.directory = directory
        self.ca = os.path.join(directory, "ca.pem")
        self._openssl("req", "-x509", *self.EC, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                      "-subj", "/CN=keyward test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def _openssl(self, *args):
        subprocess.run(["openssl", *args], cwd=self.directory, check=True, capture_output=True, timeout=WAIT_SECONDS)

    def issue(self, name, alt_names):
        """A certificate for `alt_names` ("DNS:localhost,IP:127.0.0.1"): the paths of it and of its key."""
        self._openssl("req", *self.EC, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
        with open(os.path.join(self.directory, f"{name}.ext"), "w") as ext:
            ext.write(f"subjectAltName={alt_names}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        self._openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                      "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")
        return os.path.join(self.directory, f"{name}.pem"), os.path.join(self.directory, f"{name}.key")


def tls_server_context(certificate, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context
