"""keyward.ScreeningTransport and its async twin, with Debian's httpx, against a local server that records what it
receives (issue 19): a key raises Blocked and nothing is sent, an e-mail arrives redacted with its new length, a
clean body arrives byte for byte."""
import asyncio
import json
import unittest

import httpx
from support import RecordingServer, chat, fake_key

import keyward

CLEAN = b'{"model":"mistral-small-latest",  "messages":[{"role":"user","content":"Bonjour \\u00e0 tous"}]}'


class TransportCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.filter = keyward.Filter()

    @classmethod
    def tearDownClass(cls):
        cls.filter.close()

    def setUp(self):
        self.server = RecordingServer()
        self.addCleanup(self.server.close)

    def assert_nothing_was_sent_before(self, send_clean):
        """A clean request sent afterwards is the only one the server ever receives."""
        send_clean()
        received = self.server.wait_for(1)
        self.assertEqual([r["body"] for r in received], [CLEAN])


class SyncTransportTest(TransportCase):
    def client(self):
        client = httpx.Client(base_url=self.server.url,
                              transport=keyward.ScreeningTransport(httpx.HTTPTransport(), filter=self.filter))
        self.addCleanup(client.close)
        return client

    def test_a_key_raises_blocked_and_nothing_is_sent(self):
        client = self.client()
        key = fake_key(1)
        with self.assertRaises(keyward.Blocked) as blocked:
            client.post("/v1/chat/completions", json=chat(f"MISTRAL_API_KEY={key}"))
        self.assertEqual([(f.rule, f.pointer) for f in blocked.exception.screening.findings],
                         [("mistral-api-key", "/messages/0/content")])
        self.assertNotIn(key[:8], str(blocked.exception))
        self.assert_nothing_was_sent_before(lambda: client.post("/v1/chat/completions", content=CLEAN,
                                                                headers={"Content-Type": "application/json"}))

    def test_an_email_arrives_redacted_with_a_correct_content_length(self):
        client = self.client()
        token = fake_key(4)  # made up here: the caller's key goes upstream unchanged
        response = client.post("/v1/chat/completions", json=chat("mail dana.whitfield@northwind-traders.net"),
                               headers={"Authorization": f"Bearer {token}", "X-Trace": "t1"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["choices"][0]["message"]["content"], "ok")
        [received] = self.server.wait_for(1)
        self.assertEqual(json.loads(received["body"]), chat("mail [REDACTED:email]"))
        self.assertEqual(received["headers"]["Content-Length"], str(len(received["body"])))
        self.assertEqual(received["headers"]["Authorization"], f"Bearer {token}")
        self.assertEqual(received["headers"]["X-Trace"], "t1")

    def test_a_clean_request_arrives_byte_for_byte(self):
        client = self.client()
        client.post("/v1/chat/completions", content=CLEAN, headers={"Content-Type": "application/json"})
        [received] = self.server.wait_for(1)
        self.assertEqual(received["body"], CLEAN)
        self.assertEqual(received["headers"]["Content-Length"], str(len(CLEAN)))

    def test_the_callers_own_key_and_unscreenable_bodies_are_not_sent(self):
        client = self.client()
        key = fake_key(2)
        with keyward.Filter(policy='[filter]\nsecret = "allow"\n') as allow_all:
            lenient = httpx.Client(base_url=self.server.url,
                                   transport=keyward.ScreeningTransport(httpx.HTTPTransport(), filter=allow_all))
            self.addCleanup(lenient.close)
            with self.assertRaises(keyward.Blocked) as blocked:
                lenient.post("/v1/chat/completions", json=chat(f"here: {key}"), headers={"Authorization": f"Bearer {key}"})
            self.assertEqual(blocked.exception.screening.violations[0].limit, "key")
        with self.assertRaises(keyward.InputError):
            client.post("/v1/files", content=b"\x89PNG\r\n\x1a\n\xff", headers={"Content-Type": "image/png"})
        with self.assertRaises(keyward.InputError):
            client.post("/v1/chat/completions", content=b'{"messages": [', headers={"Content-Type": "application/json"})
        with self.assertRaises(keyward.InputError):
            client.post("/v1/chat/completions", content=b"\x1f\x8b", headers={"Content-Encoding": "gzip"})
        self.assert_nothing_was_sent_before(lambda: client.post("/v1/chat/completions", content=CLEAN,
                                                                headers={"Content-Type": "application/json"}))


class AsyncTransportTest(TransportCase):
    def run_with_client(self, body):
        async def main():
            transport = keyward.AsyncScreeningTransport(httpx.AsyncHTTPTransport(), filter=self.filter)
            async with httpx.AsyncClient(base_url=self.server.url, transport=transport) as client:
                return await body(client)

        return asyncio.run(main())

    def test_a_key_raises_blocked_and_nothing_is_sent(self):
        key = fake_key(3)

        async def body(client):
            with self.assertRaises(keyward.Blocked):
                await client.post("/v1/chat/completions", json=chat(f"MISTRAL_API_KEY={key}"))
            await client.post("/v1/chat/completions", content=CLEAN, headers={"Content-Type": "application/json"})

        self.run_with_client(body)
        self.assertEqual([r["body"] for r in self.server.wait_for(1)], [CLEAN])

    def test_an_email_arrives_redacted_and_a_clean_body_byte_for_byte(self):
        async def body(client):
            redacted = await client.post("/v1/chat/completions", json=chat("mail dana.whitfield@northwind-traders.net"))
            clean = await client.post("/v1/chat/completions", content=CLEAN, headers={"Content-Type": "application/json"})
            return redacted.status_code, clean.status_code

        self.assertEqual(self.run_with_client(body), (200, 200))
        first, second = self.server.wait_for(2)
        self.assertEqual(json.loads(first["body"]), chat("mail [REDACTED:email]"))
        self.assertEqual(first["headers"]["Content-Length"], str(len(first["body"])))
        self.assertEqual(second["body"], CLEAN)


if __name__ == "__main__":
    unittest.main()
