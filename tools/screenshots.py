#!/usr/bin/env python3
"""Take screenshots of portal pages from a running Odoo server (demo data).

Drives headless Chromium over the DevTools protocol (websocket-client), logs in
as the given user and saves one PNG per page into docs/screenshots/.

Usage:
    tools/screenshots.py --url http://localhost:8069 --db service_demo \\
        --login anna --password anna  name=/my/service-orders  name2=/my ...
    tools/screenshots.py ... --anonymous track=/service/track
    tools/screenshots.py ... --width 412 --height 915 phone-list=/my/service-orders
    tools/screenshots.py ... --js "<script run on each page, then 4 s wait>" name=/path
"""

import argparse
import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


class Browser:
    def __init__(self, width, height, port=9333):
        self.profile = tempfile.mkdtemp(prefix="shots-")
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as r:
                    pages = [t for t in json.load(r) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("Chromium did not start")
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.ids = itertools.count(1)
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )

    def send(self, method, **params):
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def goto(self, url):
        self.send("Page.navigate", url=url)
        deadline = time.time() + 30
        while time.time() < deadline:
            state = self.evaluate("document.readyState")
            if state == "complete":
                break
            time.sleep(0.2)
        time.sleep(8)  # let interactions and web fonts settle

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression)
        return result.get("result", {}).get("value")

    def screenshot(self, path):
        metrics = self.send("Page.getLayoutMetrics")
        height = int(metrics["cssContentSize"]["height"])
        data = self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={
                "x": 0,
                "y": 0,
                "width": metrics["cssLayoutViewport"]["clientWidth"],
                "height": min(height, 2400),
                "scale": 1,
            },
        )
        path.write_bytes(base64.b64decode(data["data"]))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="service_demo")
    parser.add_argument("--login")
    parser.add_argument("--password")
    parser.add_argument("--anonymous", action="store_true")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument(
        "--js", help="JavaScript run on each page before its screenshot (e.g. typing)"
    )
    parser.add_argument("pages", nargs="+", help="name=/path")
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    browser = Browser(options.width, options.height)
    try:
        if not options.anonymous:
            browser.goto(f"{options.url}/web/login?db={options.db}")
            browser.evaluate(
                "document.querySelector('input[name=login]').value = "
                f"{json.dumps(options.login)};"
                "document.querySelector('input[name=password]').value = "
                f"{json.dumps(options.password)};"
                "document.querySelector('form.oe_login_form').submit();"
            )
            deadline = time.time() + 60
            while browser.evaluate("location.pathname") == "/web/login":
                if time.time() > deadline:
                    raise SystemExit(f"Login as {options.login} failed")
                time.sleep(0.5)
            browser.goto(options.url + "/my")
        for page in options.pages:
            name, path = page.split("=", 1)
            browser.goto(options.url + path)
            if options.js:
                browser.evaluate(options.js)
                time.sleep(4)
            target = OUT / f"{name}.png"
            browser.screenshot(target)
            print(f"{target.relative_to(ROOT)}  <- {path}")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
