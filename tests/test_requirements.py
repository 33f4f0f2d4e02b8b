"""Requirements by purpose: production installs what the portal runs on, and nothing that only tests it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = {"pytest", "pytest-django", "pytest-xdist", "pytest-randomly", "pytest-cov", "coverage"}
TEST_TOOLS |= {"factory-boy", "faker", "ruff", "playwright", "uv"}


def pins(name):
    """{package: (version, hashes)} of a requirements file written by `make lock`."""
    text = (ROOT / name).read_text()
    found = {}
    for block in re.split(r"\n(?=\S)", text):
        if match := re.match(r"([A-Za-z0-9_.-]+)==(\S+)", block):
            found[match.group(1).lower()] = (match.group(2), frozenset(re.findall(r"--hash=(sha256:\w+)", block)))
    return found


def test_production_installs_the_server_and_no_test_tool():
    runtime = pins("requirements.txt")
    assert {"django", "gunicorn", "psycopg2-binary", "whitenoise"} <= runtime.keys()
    assert not TEST_TOOLS & runtime.keys()


def test_every_pin_has_hashes_so_pip_installs_those_files_only():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for package, (version, hashes) in pins(name).items():
            assert hashes, f"{name}: {package}=={version} has no hash"


def test_development_installs_the_runtime_at_the_same_versions_and_the_tools():
    runtime, development = pins("requirements.txt"), pins("requirements-dev.txt")
    for package, pin in runtime.items():
        assert development.get(package) == pin, package
    assert TEST_TOOLS <= development.keys()
