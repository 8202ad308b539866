"""A tiny Chrome DevTools Protocol client over `--remote-debugging-pipe`: opens a page in headless
Chromium (Debian's `chromium` package) and reports what a person would see — the DOM after the
scripts ran, console errors, uncaught exceptions, and every URL the page requested.

The pipe needs no port, no websocket library and no network: Chromium reads commands on fd 3 and
writes replies on fd 4, each a JSON message ended by a NUL byte.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageResult:
    values: dict  # expression -> value, evaluated once the page is ready
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: bytes | None = None
    parts: list[bytes] = field(default_factory=list)  # the page in slices of `slice_height` pixels


class _Pipe:
    def __init__(self, process: subprocess.Popen, to_browser: int, from_browser: int) -> None:
        self.process, self.write_fd, self.read_fd = process, to_browser, from_browser
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no reply from chromium")
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                raise RuntimeError(f"chromium closed the pipe (exit {self.process.poll()})")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method:
                    return event
            self.events.append(self._read_message(deadline))


def open_page(
    url: str,
    ready: str,
    evaluate: list[str],
    timeout: float = 90,
    screenshot: bool = False,
    width: int = 1400,
    height: int = 1000,
    slice_height: int = 0,
) -> PageResult:
    """Load `url`, wait until the JavaScript expression `ready` is true (or `timeout` passes), then
    evaluate each expression of `evaluate` in the page and collect what went wrong."""
    chromium = chromium_path()
    if chromium is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    to_browser_read, to_browser_write = os.pipe()
    from_browser_read, from_browser_write = os.pipe()

    def wire_pipes() -> None:  # in the child: Chromium expects its pipe on fds 3 and 4
        # via fds >= 10 first: the pipe's own fds may be 3 or 4, and dup2 onto itself would keep
        # the close-on-exec flag
        commands, replies = (
            fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10),
            fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10),
        )
        os.dup2(commands, 3)
        os.dup2(replies, 4)

    # Chromium's helper processes (crashpad, utilities) can still write to the profile for a moment
    # after the browser exits: a leftover file must not fail the test that used the page.
    with tempfile.TemporaryDirectory(prefix="chromium-profile-", ignore_cleanup_errors=True) as profile:
        args = [
            chromium,
            "--headless",
            "--remote-debugging-pipe",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        if os.geteuid() == 0:
            args.insert(2, "--no-sandbox")  # Chromium refuses to run its sandbox as root
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=wire_pipes,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        pipe = _Pipe(process, to_browser_write, from_browser_read)
        try:
            target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime", "Log", "Page", "Network"):
                pipe.send(f"{domain}.enable", session=session)
            pipe.send("Page.navigate", {"url": url}, session=session)
            pipe.wait_event("Page.loadEventFired", timeout=timeout)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                done = pipe.send(
                    "Runtime.evaluate", {"expression": f"Boolean({ready})", "returnByValue": True}, session=session
                )
                if done.get("result", {}).get("value"):
                    break
                time.sleep(0.2)
            values = {}
            for expression in evaluate:
                reply = pipe.send(
                    "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
                )
                values[expression] = reply.get("result", {}).get("value")
            image, parts = None, []
            if screenshot:
                metrics = pipe.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
                shot = pipe.send(
                    "Page.captureScreenshot",
                    {
                        "format": "png",
                        "captureBeyondViewport": True,
                        "clip": {"x": 0, "y": 0, "width": width, "height": metrics["height"], "scale": 1},
                    },
                    session=session,
                )
                image = base64.b64decode(shot["data"])
                for top in range(0, int(metrics["height"]) if slice_height else 0, slice_height or 1):
                    part = pipe.send(
                        "Page.captureScreenshot",
                        {
                            "format": "png",
                            "captureBeyondViewport": True,
                            "clip": {"x": 0, "y": top, "width": width, "height": slice_height, "scale": 1},
                        },
                        session=session,
                    )
                    parts.append(base64.b64decode(part["data"]))
        finally:
            try:
                os.close(to_browser_write)
                os.close(from_browser_read)
            finally:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    result = PageResult(values=values, screenshot=image, parts=parts)
    for event in pipe.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            result.console_errors.append(
                " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            )
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            result.console_errors.append(params["entry"].get("text", ""))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            result.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Network.requestWillBeSent":
            result.requests.append(params.get("request", {}).get("url", ""))
    return result


def save_screenshot(result: PageResult, path: Path) -> None:
    if result.screenshot:
        path.write_bytes(result.screenshot)
