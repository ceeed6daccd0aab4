"""Headless Debian chromium driven by Selenium through Debian's chromium-driver.

Nothing is downloaded at run time: the browser and the driver are the Debian
packages (.ci/run installs them), named by path so that Selenium Manager is
never asked to find or fetch either. Override with CHROMIUM / CHROMEDRIVER.

The flags that turn off Chromium's background networking matter here: on a
machine whose network is closed, Chromium's own connections (component
updates, sync, QUIC probes) are refused and slow every page down.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("OAUTH_SCREENSHOTS", ROOT / "target" / "oauth-screenshots"))

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--ignore-certificate-errors",
    "--window-size=1280,900",
]


def _find(env: str, *names: str) -> str:
    given = os.environ.get(env)
    if given:
        return given
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(f"none of {', '.join(names)} on PATH (apt-get install chromium chromium-driver, or set {env})")


class Browser:
    """One headless Chromium with a fresh profile; `close()` removes both.

    `flags` are added to FLAGS (say, `--host-resolver-rules=...`);
    `performance_log` records the DevTools network events, read with
    `requests()`."""

    def __init__(self, flags: tuple[str, ...] = (), performance_log: bool = False) -> None:
        self.profile = tempfile.mkdtemp(prefix="userpool-chromium.")
        options = webdriver.ChromeOptions()
        options.binary_location = _find("CHROMIUM", "chromium", "chromium-browser")
        for flag in (*FLAGS, *flags):
            options.add_argument(flag)
        if performance_log:
            options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        options.add_argument(f"--user-data-dir={self.profile}")
        service = Service(executable_path=_find("CHROMEDRIVER", "chromedriver", "chromium-driver"))
        try:
            self.driver = webdriver.Chrome(options=options, service=service)
        except Exception:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.driver.set_page_load_timeout(30)

    def screenshot(self, name: str) -> Path:
        """Saves the page as target/oauth-screenshots/<name>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        assert self.driver.save_screenshot(str(path)), f"no screenshot saved at {path}"
        assert path.stat().st_size > 0, f"empty screenshot {path}"
        return path

    def requests(self) -> list[dict]:
        """The requests the browser sent since the last call (needs
        `performance_log`): DevTools `Network.requestWillBeSent` requests
        (url, method, headers, postData) in order."""
        sent = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                sent.append(message["params"]["request"])
        return sent

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
