"""keyward.Filter over libkeyward_c: verdicts, screened requests of the type given, findings without secrets."""
import json
import os
import pathlib
import tempfile
import unittest

from support import chat, fake_key

import keyward


class FilterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.filter = keyward.Filter()

    @classmethod
    def tearDownClass(cls):
        cls.filter.close()

    def test_a_dict_is_screened_as_a_request_and_comes_back_a_dict(self):
        screening = self.filter.screen(chat("write to dana.whitfield@northwind-traders.net"))
        self.assertEqual(screening.verdict, "redacted")
        self.assertEqual(screening.request, chat("write to [REDACTED:email]"))
        self.assertEqual(json.loads(screening.body), screening.request)
        [finding] = screening.findings
        self.assertEqual((finding.rule, finding.pointer, finding.action, finding.category),
                         ("pii-email", "/messages/0/content", "redact", "personal-data"))
        self.assertEqual(screening.audit["verdict"], "redacted")
        self.assertEqual(screening.audit["model"], "mistral-small-latest")

    def test_bytes_and_str_keep_their_type_and_their_bytes_when_clean(self):
        raw = b'{"model" : "m",  "messages":[{"role":"user","content":"caf\xc3\xa9 ?"}]}'
        screening = self.filter.screen(raw)
        self.assertEqual((screening.verdict, screening.request, screening.body), ("allowed", raw, raw))
        text = raw.decode()
        self.assertEqual(self.filter.screen(text).request, text)
        self.assertEqual(self.filter.screen("plain words, no JSON").request, "plain words, no JSON")

    def test_a_key_blocks_and_is_never_handed_out(self):
        key = fake_key(1)
        screening = self.filter.screen(chat(f"MISTRAL_API_KEY={key}"))
        self.assertTrue(screening.blocked)
        self.assertIsNone(screening.request)
        self.assertEqual(screening.body, b"")
        self.assertEqual([(f.rule, f.pointer) for f in screening.findings],
                         [("mistral-api-key", "/messages/0/content")])
        self.assertNotIn(key[:8], repr(screening))
        self.assertIn("mistral-api-key at /messages/0/content", str(keyward.Blocked(screening)))

    def test_the_callers_own_key_blocks_whatever_the_policy_says(self):
        key = fake_key(2)
        with keyward.Filter(policy='[filter]\nsecret = "allow"\n') as allow_all:
            self.assertEqual(allow_all.screen(chat(f"token {key}")).verdict, "allowed")
            screening = allow_all.screen(chat(f"token {key}"), caller_key=key)
            self.assertTrue(screening.blocked)
            self.assertEqual([(v.limit, v.pointer) for v in screening.violations], [("key", "/messages/0/content")])
            self.assertTrue(allow_all.screen(f"plain text {key}", caller_key=key).blocked)

    def test_policy_from_text_or_a_path_and_config_with_its_own_rules(self):
        with tempfile.TemporaryDirectory() as work:
            policy = pathlib.Path(work, "policy.toml")
            policy.write_text('[filter]\npersonal-data = "mask"\n[filter.rules]\npii-email = "allow"\n')
            with keyward.Filter(policy=policy) as masking:
                self.assertEqual(masking.screen(chat("dana.whitfield@northwind-traders.net")).verdict, "allowed")
            config = pathlib.Path(work, ".keyward.toml")
            config.write_text('[[rules]]\nid = "acme-token"\ndescription = "Acme token"\n'
                              "regex = '''\\bacme_([A-Za-z0-9]{32})\\b'''\nkeywords = [\"acme_\"]\n"
                              '[filter.rules]\nacme-token = "redact"\n')
            with keyward.Filter(config=config) as acme:
                screening = acme.screen(chat(f"use acme_{fake_key(3)}"))
                self.assertEqual(screening.verdict, "redacted")
                self.assertEqual(screening.request, chat("use acme_[REDACTED:acme-token]"))
            with keyward.Filter(config=str(config), policy="") as defaults:  # policy given: the config's is not used
                self.assertTrue(defaults.screen(chat(f"use acme_{fake_key(3)}")).blocked)

    def test_bad_input_and_bad_setup_raise(self):
        with self.assertRaisesRegex(keyward.InputError, "invalid JSON"):
            self.filter.screen(b'{"messages": [')
        with self.assertRaisesRegex(keyward.InputError, "UTF-8"):
            self.filter.screen(b"caf\xe9", input="text")
        with self.assertRaises(ValueError):  # InputError is a ValueError too
            self.filter.screen("[1,", input="json")
        with self.assertRaisesRegex(keyward.ConfigError, "secret"):
            keyward.Filter(policy='[filter]\nsecret = "drop"\n')
        with self.assertRaises(keyward.ConfigError):
            keyward.Filter(env="prod")
        with self.assertRaises(TypeError):
            self.filter.screen(42)
        closed = keyward.Filter()
        closed.close()
        with self.assertRaises(keyward.KeywardError):
            closed.screen("hello")

    def test_the_library_is_the_one_named(self):
        self.assertEqual(keyward.library_version(), keyward.__version__)
        self.assertTrue(os.environ.get("KEYWARD_LIBRARY"))


if __name__ == "__main__":
    unittest.main()
