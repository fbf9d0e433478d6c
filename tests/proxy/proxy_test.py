"""`keyward proxy` as a process, between real clients on loopback sockets and a local stand-in for the API that
records what it receives (issue 19): what is forwarded and how, and bad input and faults, none of which may crash
or hang the proxy or get an unscreened body forwarded. Usage: proxy_test.py KEYWARD_BINARY"""
import http.client
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (WAIT_SECONDS, Proxy, StandIn, TestCertificates, fake_key, run_keyward,  # noqa: E402
                     tls_server_context)

KEYWARD = None


def chat(content, **extra):
    return json.dumps({"model": "mistral-small-latest", "messages": [{"role": "user", "content": content}], **extra})


def post(port, body, headers=None):
    """One request on a connection of its own: status, response, parsed JSON body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_SECONDS)
    try:
        conn.request("POST", "/v1/chat/completions", body=body.encode() if isinstance(body, str) else body,
                     headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        return response.status, response, json.loads(data) if data else None
    finally:
        conn.close()


def connect(case, port):
    """A connection the test case closes when it ends."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_SECONDS)
    case.addCleanup(conn.close)
    return conn


def raw_exchange(port, data, shut_write=False):
    """Sends raw bytes; returns everything the proxy sends back before it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT_SECONDS) as s:
        s.sendall(data)
        if shut_write:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


class ProxyCase(unittest.TestCase):
    proxy_args = ()

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="keyward-proxy-test-")
        self.upstream = StandIn()
        self.proxy = Proxy(KEYWARD, self.upstream.url, *self.proxy_args, cwd=self.work)

    def tearDown(self):
        code = self.proxy.stop()
        self.upstream.close()
        shutil.rmtree(self.work, ignore_errors=True)
        self.assertEqual(code, 0, f"keyward proxy exited {code}: {self.proxy.stderr.decode(errors='replace')}")

    def assert_only_this_reaches_upstream(self):
        """A clean request afterwards is the first and only thing the stand-in ever receives."""
        status, _, _ = post(self.proxy.port, chat("a clean question"))
        self.assertEqual(status, 200)
        received = self.upstream.wait_for(1)
        self.assertEqual(len(received), 1, [r.body for r in received])
        self.assertEqual(received[0].body, chat("a clean question").encode())


class Forwarding(ProxyCase):
    def test_a_clean_request_arrives_byte_for_byte_with_every_header(self):
        key = fake_key(1)
        body = '{ "model":"mistral-small-latest",\n "messages":[{"role":"user","content":"Bonjour, ça va ?"}]}'
        status, response, answer = post(self.proxy.port, body, {"Authorization": f"Bearer {key}",
                                                                "X-Request-Id": "r-1", "User-Agent": "sdk/1.0"})
        self.assertEqual(status, 200)
        self.assertEqual(answer["choices"][0]["message"]["content"], "Hello!")
        self.assertEqual(response.getheader("X-Stand-In"), "yes")
        [received] = self.upstream.wait_for(1)
        self.assertEqual(received.body, body.encode())
        self.assertEqual(received.path, "/v1/chat/completions")
        self.assertEqual(received.header("Authorization"), f"Bearer {key}")
        self.assertEqual(received.header("X-Request-Id"), "r-1")
        self.assertEqual(received.header("User-Agent"), "sdk/1.0")
        self.assertEqual(received.header("Content-Length"), str(len(body.encode())))

    def test_an_email_arrives_redacted_with_its_new_length(self):
        status, _, _ = post(self.proxy.port, chat("write to dana.whitfield@northwind-traders.net"))
        self.assertEqual(status, 200)
        [received] = self.upstream.wait_for(1)
        self.assertEqual(received.body, chat("write to [REDACTED:email]").encode())
        self.assertEqual(received.header("Content-Length"), str(len(received.body)))

    def test_a_key_is_blocked_with_an_api_error_and_never_forwarded(self):
        key = fake_key(2)
        status, response, error = post(self.proxy.port, chat(f"MISTRAL_API_KEY={key}"))
        self.assertEqual(status, 403)
        self.assertEqual(response.getheader("Content-Type"), "application/json")
        self.assertEqual(error["object"], "error")
        self.assertEqual(error["type"], "keyward_blocked")
        self.assertEqual(error["reasons"], [{"rule": "mistral-api-key", "pointer": "/messages/0/content"}])
        self.assertNotIn(key[:8], json.dumps(error))
        self.assert_only_this_reaches_upstream()

    def test_every_path_is_screened_not_only_chat(self):
        key = fake_key(3)
        for path in ("/v1/embeddings", "/v1/fim/completions", "/v1/agents/completions", "/v1/conversations",
                     "/v1/some/future/endpoint"):
            conn = connect(self, self.proxy.port)
            conn.request("POST", path, body=json.dumps({"input": [f"api_key = '{key}' for mistral"]}),
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 403, path)
        self.assert_only_this_reaches_upstream()

    def test_large_bodies_both_ways_on_one_connection_arrive_whole(self):
        # Past the proxy's buffers: a first read of 16 KiB, room for at most 1 MiB of an announced body, 64 KiB
        # pieces of a response, reused by the next exchange on the same worker. Every byte must still arrive.
        conn = connect(self, self.proxy.port)
        words = "the quarterly report shows revenue growing while costs fell across regions "
        sizes = (20_000, 300_000, 2_500_000, 70_000)
        for i, size in enumerate(sizes):
            body = chat(f"request {'abcd'[i]} " + words * (size // len(words)))
            content = f"answer {'wxyz'[i]} " + words * (size // 300)
            self.upstream.answer = {"object": "chat.completion", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}
            expected = json.dumps(self.upstream.answer).encode()
            conn.request("POST", "/v1/chat/completions", body=body.encode(),
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            self.assertEqual(response.status, 200, data[:200])
            self.assertEqual(data, expected, f"response {i} differs")
            received = self.upstream.wait_for(i + 1)
            self.assertEqual(received[i].body, body.encode(), f"request {i} differs")

    def test_server_sent_events_come_through_as_they_are_sent(self):
        self.upstream.gates = [threading.Event() for _ in self.upstream.events]
        conn = connect(self, self.proxy.port)
        conn.request("POST", "/v1/chat/completions", body=chat("stream please", stream=True),
                     headers={"Content-Type": "application/json", "Accept": "text/event-stream"})
        self.upstream.gates[0].set()
        response = conn.getresponse()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Type"), "text/event-stream")
        # Each event is read through the proxy before the stand-in may send the next: nothing is held back.
        for i, text in enumerate(self.upstream.events):
            line = response.readline()
            self.assertTrue(line.startswith(b"data: "), line)
            self.assertEqual(json.loads(line[6:])["choices"][0]["delta"]["content"], text)
            self.assertEqual(response.readline(), b"\n")
            if i + 1 < len(self.upstream.gates):
                self.upstream.gates[i + 1].set()
        self.assertEqual(response.read(), b"data: [DONE]\n\n")

    def test_the_callers_own_key_is_blocked_even_when_the_policy_allows_secrets(self):
        # This class's proxy blocks secrets anyway; the policy case is in PolicyAndAudit below.
        key = fake_key(4)
        status, _, error = post(self.proxy.port, chat(f"my token: {key}"), {"Authorization": f"Bearer {key}"})
        self.assertEqual(status, 403)
        self.assertIn({"limit": "key", "pointer": "/messages/0/content",
                       "message": "the request holds the caller's own API key (from its Authorization header)"},
                      error["reasons"])
        self.assert_only_this_reaches_upstream()

    def test_a_get_goes_through_and_the_connection_is_kept(self):
        conn = connect(self, self.proxy.port)
        for _ in range(3):
            conn.request("GET", "/v1/models")
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 200)
        received = self.upstream.wait_for(3)
        self.assertEqual([r.method for r in received], ["GET"] * 3)


class BadInput(ProxyCase):
    proxy_args = ("--client-timeout", "500ms", "--policy")

    def setUp(self):
        policy = os.path.join(tempfile.gettempdir(), f"keyward-proxy-policy-{os.getpid()}.toml")
        with open(policy, "w") as f:
            f.write("[filter]\nmax_input_bytes = 4096\n")
        self.proxy_args = BadInput.proxy_args + (policy,)
        super().setUp()
        os.unlink(policy)

    def test_malformed_json_is_a_400_and_the_proxy_goes_on(self):
        status, _, error = post(self.proxy.port, '{"model": "m", "messages": [')
        self.assertEqual(status, 400)
        self.assertEqual(error["code"], "invalid_json")
        self.assert_only_this_reaches_upstream()

    def test_a_body_over_the_size_cap_is_a_413(self):
        status, _, error = post(self.proxy.port, chat("x" * 5000))
        self.assertEqual(status, 413)
        self.assertEqual(error["code"], "body_too_large")
        # Announced too large with Expect: 100-continue: refused before any of it is sent.
        head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 10000000\r\nExpect: 100-continue\r\n\r\n")
        answer = raw_exchange(self.proxy.port, head)
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer)
        self.assert_only_this_reaches_upstream()

    def test_a_body_that_ends_early_is_a_400(self):
        body = chat("hello there, this body will be cut").encode()
        head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body))
        answer = raw_exchange(self.proxy.port, head + body[:20], shut_write=True)
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
        self.assertIn(b'"code":"incomplete_request"', answer)
        self.assert_only_this_reaches_upstream()

    def test_a_stalled_client_is_cut_off(self):
        body = chat("never finished").encode()
        for partial in (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Le",
                        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (len(body), body[:10])):
            # The proxy closes the connection (recv returns b"") once its 500 ms deadline passes.
            self.assertEqual(raw_exchange(self.proxy.port, partial), b"")
        self.assert_only_this_reaches_upstream()

    def test_garbage_is_a_400(self):
        answer = raw_exchange(self.proxy.port, b"NOT HTTP AT ALL\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
        answer = raw_exchange(self.proxy.port, b"GET http://elsewhere.example/v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
        self.assertIn(b"invalid_target", answer)
        self.assert_only_this_reaches_upstream()

    def test_a_compressed_or_binary_body_is_refused(self):
        status, _, error = post(self.proxy.port, b"\x1f\x8b\x08\x00", {"Content-Encoding": "gzip"})
        self.assertEqual((status, error["code"]), (415, "unsupported_encoding"))
        status, _, error = post(self.proxy.port, b"\x89PNG\r\n\x1a\n\xff\xfe", {"Content-Type": "image/png"})
        self.assertEqual((status, error["code"]), (415, "unsupported_body"))
        self.assert_only_this_reaches_upstream()


class UpstreamFaults(unittest.TestCase):
    def test_an_upstream_refusing_connections_is_a_502(self):
        with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proxy = Proxy(KEYWARD, f"http://127.0.0.1:{port}")
        try:
            status, _, error = post(proxy.port, chat("hello"))
            self.assertEqual(status, 502)
            self.assertEqual(error["type"], "upstream_error")
            self.assertIn("cannot connect to the upstream", error["message"])
            status, _, _ = post(proxy.port, chat("hello again"))
            self.assertEqual(status, 502)
        finally:
            self.assertEqual(proxy.stop(), 0)

    def test_an_upstream_dying_mid_stream_cuts_the_clients_stream(self):
        upstream = StandIn()
        upstream.die_after = 2
        proxy = Proxy(KEYWARD, upstream.url)
        try:
            conn = connect(self, proxy.port)
            conn.request("POST", "/v1/chat/completions", body=chat("stream", stream=True),
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            # The two events sent arrive; then the stream is cut, not ended: the chunked body has no last chunk.
            with self.assertRaises(http.client.IncompleteRead) as cut:
                response.read()
            self.assertEqual(cut.exception.partial.count(b"data: "), 2)
            upstream.die_after = None
            status, _, _ = post(proxy.port, chat("and the proxy goes on"))
            self.assertEqual(status, 200)
        finally:
            self.assertEqual(proxy.stop(), 0)
            upstream.close()


class PolicyAndAudit(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="keyward-proxy-audit-")
        self.upstream = StandIn()

    def tearDown(self):
        self.upstream.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def test_the_audit_log_has_a_line_a_request_and_a_failing_log_stops_requests(self):
        audit = os.path.join(self.work, "audit.jsonl")
        with open(os.path.join(self.work, "policy.toml"), "w") as f:
            f.write('[filter]\nsecret = "allow"\n')
        proxy = Proxy(KEYWARD, self.upstream.url, "--policy", "policy.toml", "--audit-log", audit, cwd=self.work)
        try:
            key = fake_key(5)
            self.assertEqual(post(proxy.port, chat("hello"))[0], 200)
            self.assertEqual(post(proxy.port, chat(f"MISTRAL_API_KEY={key}"))[0], 200)  # the policy allows it
            status, _, _ = post(proxy.port, chat(f"x {key}"), {"Authorization": f"Bearer {key}"})
            self.assertEqual(status, 403)  # the caller's own key, whatever the policy says
            with open(audit) as f:
                lines = [json.loads(line) for line in f]
            self.assertEqual([line["verdict"] for line in lines], ["allowed", "allowed", "blocked"])
            self.assertEqual(lines[2]["violations"], ["key"])
            self.assertEqual(lines[0]["model"], "mistral-small-latest")
            with open(audit) as f:
                self.assertNotIn(key, f.read())
            self.assertEqual(len(self.upstream.wait_for(2)), 2)

            # An audit log that can no longer be written: requests stop (500), nothing more is forwarded.
            os.unlink(audit)
            os.mkdir(audit)
            status, _, error = post(proxy.port, chat("hello"))
            self.assertEqual((status, error["code"]), (500, "audit_log_failed"))
            self.assertEqual(len(self.upstream.received), 2)
        finally:
            self.assertEqual(proxy.stop(), 0)
        self.assertIn(b"keyward: warning: ", proxy.stderr)

    def test_bad_setup_is_one_line_and_exit_2(self):
        with open(os.path.join(self.work, "no-filter.toml"), "w") as f:
            f.write("max_input_bytes = 4096\n")  # a policy file sets its policy in a [filter] table
        for args, words in ((["--policy", "no-filter.toml"], b"no [filter] table"),
                            (["--upstream", "api.mistral.ai"], b"--upstream"),
                            (["--listen", "nowhere"], b"--listen"),
                            (["--client-timeout", "soon"], b"--client-timeout"),
                            (["--audit-log", os.path.join(self.work, "missing", "audit.jsonl")], b"audit log")):
            result = run_keyward(KEYWARD, "proxy", *args, cwd=self.work)
            self.assertEqual(result.returncode, 2, (args, result.stderr))
            self.assertIn(words, result.stderr)
            self.assertEqual(result.stderr.count(b"\n"), 1, result.stderr)
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            result = run_keyward(KEYWARD, "proxy", "--listen", f"127.0.0.1:{taken.getsockname()[1]}", cwd=self.work)
            self.assertEqual(result.returncode, 2)
            self.assertIn(b"cannot listen on", result.stderr)


class TlsUpstream(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="keyward-proxy-tls-")
        self.certificates = TestCertificates(self.work)
        self.upstreams = []

    def tearDown(self):
        for upstream in self.upstreams:
            upstream.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def https_stand_in(self, alt_names):
        upstream = StandIn(tls_context=tls_server_context(*self.certificates.issue(f"s{len(self.upstreams)}",
                                                                                     alt_names)))
        self.upstreams.append(upstream)
        return upstream

    def post_through(self, upstream_url, *args):
        proxy = Proxy(KEYWARD, upstream_url, *args)
        try:
            return post(proxy.port, chat("hello over TLS"))
        finally:
            self.assertEqual(proxy.stop(), 0)

    def test_the_certificate_is_verified_against_the_system_cas_and_upstream_ca_adds_one(self):
        upstream = self.https_stand_in("DNS:localhost,IP:127.0.0.1")
        url = f"https://localhost:{upstream.port}"
        # The test's CA is not one of the system's: not trusted, 502, nothing sent.
        status, _, error = self.post_through(url)
        self.assertEqual(status, 502)
        self.assertIn("TLS handshake failed", error["message"])
        self.assertEqual(upstream.received, [])
        status, _, _ = self.post_through(url, "--upstream-ca", self.certificates.ca)
        self.assertEqual(status, 200)
        [received] = upstream.wait_for(1)
        self.assertEqual(received.body, chat("hello over TLS").encode())
        self.assertEqual(received.header("Host"), f"localhost:{upstream.port}")
        # An address is checked against the certificate's addresses.
        status, _, _ = self.post_through(f"https://127.0.0.1:{upstream.port}", "--upstream-ca", self.certificates.ca)
        self.assertEqual(status, 200)

    def test_a_certificate_for_another_name_is_refused(self):
        upstream = self.https_stand_in("DNS:api.example.com")
        for host in ("localhost", "127.0.0.1"):
            status, _, error = self.post_through(f"https://{host}:{upstream.port}", "--upstream-ca",
                                                 self.certificates.ca)
            self.assertEqual(status, 502, host)
            self.assertIn("TLS handshake failed", error["message"])
        self.assertEqual(upstream.received, [])


if __name__ == "__main__":
    KEYWARD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
