"""`pip install bindings/python` from a checkout works with no index at all (the in-tree build backend needs
nothing to download), and the installed package finds its library: next to itself when the wheel was built with
KEYWARD_LIBRARY set, else through KEYWARD_LIBRARY at run time."""
import os
import subprocess
import sys
import tempfile
import unittest

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBRARY = os.environ.get("KEYWARD_LIBRARY", "")

CHECK = ("import keyward, keyward._native as n; "
         "print(n.library()._name); "
         "print(keyward.Filter().screen({'messages': [{'role': 'user', 'content': 'dana.whitfield@northwind-traders.net'}]}).verdict)")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "KEYWARD_"))}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_ROOT_USER_ACTION="ignore",
               PIP_NO_CACHE_DIR="1", PYTHONDONTWRITEBYTECODE="1", **extra)  # nothing written into the checkout
    return env


class InstallTest(unittest.TestCase):
    def pip_install(self, target, **env):
        result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--target", target, PACKAGE_DIR],
                                env=clean_env(**env), capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def run_check(self, target, **env):
        return subprocess.run([sys.executable, "-c", CHECK], env=clean_env(PYTHONPATH=target, **env), cwd=target,
                              capture_output=True, text=True, timeout=120)

    def test_installed_with_its_library_next_to_it(self):
        with tempfile.TemporaryDirectory() as target:
            self.pip_install(target, KEYWARD_LIBRARY=LIBRARY)
            bundled = os.path.join(target, "keyward", "libkeyward_c.so")
            self.assertTrue(os.path.exists(bundled))
            self.assertTrue(os.path.exists(os.path.join(target, "keyward", "py.typed")))
            result = self.run_check(target)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.split(), [bundled, "redacted"])

    def test_a_relative_or_missing_keyward_library_stops_the_build_saying_why(self):
        # pip runs the build backend in bindings/python: a relative path would name another file, or none.
        for library, words in (("build/release/libkeyward_c.so", "must be an absolute path"),
                               (os.path.join(PACKAGE_DIR, "no-such-libkeyward_c.so"), "names no file")):
            with tempfile.TemporaryDirectory() as target:
                result = subprocess.run(
                    [sys.executable, "-m", "pip", "install", "--no-index", "--target", target, PACKAGE_DIR],
                    env=clean_env(KEYWARD_LIBRARY=library), capture_output=True, text=True, timeout=300)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(f"KEYWARD_LIBRARY {words}", result.stdout + result.stderr)
                self.assertFalse(os.path.exists(os.path.join(target, "keyward")))

    def test_installed_pure_finds_the_library_through_keyward_library(self):
        with tempfile.TemporaryDirectory() as target:
            self.pip_install(target)
            self.assertFalse(os.path.exists(os.path.join(target, "keyward", "libkeyward_c.so")))
            result = self.run_check(target, KEYWARD_LIBRARY=LIBRARY)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.split(), [LIBRARY, "redacted"])
            # Nowhere to be found: an ImportError that says where it looked and what to set.
            result = self.run_check(target)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("ImportError: keyward: cannot load libkeyward_c", result.stderr)
            self.assertIn("KEYWARD_LIBRARY", result.stderr)


if __name__ == "__main__":
    unittest.main()
