"""Drives the operator console of a running `mgc serve` in a headless browser (Selenium): Chromium
(Debian chromium and chromedriver) or Firefox (Debian firefox-esr and geckodriver), `--browser`.
It provisions a station through the API, logs in with a token,
watches a live value change after an ingest, acknowledges an alarm that arrived over SSE, issues
and voids a statement and downloads its PDF, runs a shadow run to the end, reads the API
reference offline, and saves screenshots of the pages. Every wait is for a DOM condition with a
timeout; nothing sleeps for timing.

Run by apps/server/tests/console_browser.rs; prints `ok <step>` per step, exits non-zero on failure.
"""

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.firefox.service import Service as FirefoxService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 60


class Api:
    def __init__(self, base, token):
        self.base, self.token = base, token

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        with urllib.request.urlopen(req, timeout=30) as res:
            raw = res.read()
            return json.loads(raw) if raw else None

    def ingest(self, integration, rows):
        body = json.dumps(rows).encode()
        ts = str(int(time.time()))
        canonical = (f"MGC-HMAC-V2\nPOST\n/ingest/thingsboard/telemetry\n{ts}\n"
                     "x-device-name:\nx-device-type:\nx-ts:\nx-rpc-id:\nx-rpc-status:\n").encode() + body
        sig = hmac.new(integration["secret"].encode(), canonical, hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.base + "/ingest/thingsboard/telemetry", data=body, method="POST")
        for k, v in {"Content-Type": "application/json", "X-Integration-Id": integration["id"],
                     "X-Timestamp": ts, "X-Signature": f"v2={sig}"}.items():
            req.add_header(k, v)
        with urllib.request.urlopen(req, timeout=30) as res:
            assert res.status == 200, res.status


def provision(api, day):
    station = api.call("POST", "/api/v1/provisioning/stations", {
        "code": "console", "name": "Console site", "time_zone": "UTC",
        "devices": [{"name": "console-meter", "kind": "meter",
                     "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000, "unit": "kW"}]},
                    {"name": "console-pcs", "kind": "pcs", "tb_device_id": "5d0c2f4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f"}]})
    station_id = station["station"]["id"]
    tariff = api.call("POST", "/api/v1/tariffs", {
        "name": "flat 0.80", "currency": "CNY", "valid_from": "2020-01-01",
        "import": {"kind": "fixed", "price": "0.80"}, "export": {"kind": "fixed", "price": "0.30"}})
    api.call("PUT", f"/api/v1/stations/{station_id}/tariff", {"tariff_id": tariff["id"], "effective_from": str(day)})
    api.call("POST", "/api/v1/alarm-rules", {
        "name": "console overload", "scope": {"device_kind": "meter"}, "severity": "major",
        "condition": {"point": "active_power_w", "op": ">", "value": 50000}})
    integration = api.call("POST", "/api/v1/integrations", {"name": "console"})
    start = dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone.utc)
    for half in range(2):
        rows = [{"device": "console-meter", "ts": int((start + dt.timedelta(minutes=m)).timestamp() * 1000),
                 "values": {"P": 4.0}} for m in range(half * 721, min(half * 721 + 721, 1441))]
        api.ingest(integration, rows)
    return station_id, integration


def now_ms():
    return int(time.time() * 1000)


class Console:
    def __init__(self, browser, base, shots, downloads):
        self.browser, self.base, self.shots = browser, base, shots
        self.errors = []
        if browser == "firefox":
            self.d = firefox(downloads, self.errors)
        else:
            self.d = chromium(downloads)
        self.d.set_window_size(1366, 900)

    def browser_log(self):
        """Script errors the page raised: Chromium's console log, Firefox's over WebDriver BiDi."""
        if self.browser == "firefox":
            return list(self.errors)
        # A refused request (the tariff's 422 below) is logged as a network error: not a script error.
        return [l for l in self.d.get_log("browser") if l.get("level") == "SEVERE" and l.get("source") != "network"]

    def wait(self, what, cond, timeout=WAIT):
        try:
            # The pages re-render (live values, SSE): an element may go stale between look-up and read.
            return WebDriverWait(self.d, timeout, poll_frequency=0.1,
                                 ignored_exceptions=[StaleElementReferenceException]).until(lambda d: cond())
        except TimeoutException as e:
            self.shot(f"failed-{re.sub(r'[^a-z0-9]+', '-', what.lower())}")
            logs = "\n".join(str(l) for l in self.browser_log())
            raise AssertionError(f"timed out waiting for {what}\nbrowser log:\n{logs}") from e

    def css(self, sel):
        return self.d.find_elements(By.CSS_SELECTOR, sel)

    def one(self, what, sel):
        return self.wait(what, lambda: (self.css(sel) or [None])[0])

    def go(self, page, heading):
        self.d.get(f"{self.base}/#/{page}")
        self.wait(f"{page} page", lambda: any(h.text == heading for h in self.css("main h1")))

    def shot(self, name):
        self.d.save_screenshot(os.path.join(self.shots, f"{name}.png"))

    def same_origin_only(self):
        urls = self.d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        foreign = [u for u in urls if not u.startswith(self.base)]
        assert not foreign, f"requests left the host: {foreign}"

    def unnamed_controls(self):
        """Controls of the page without an accessible name (label, aria-label(ledby) or text)."""
        return self.d.execute_script("""
            return [...document.querySelectorAll('input, select, textarea, button')]
              .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                           && !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
              .map(e => e.outerHTML.slice(0, 120))""")

    def no_errors(self):
        bad = self.browser_log()
        assert not bad, f"script errors: {bad}"


def chromium(downloads):
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("MGC_CHROMIUM", "/usr/bin/chromium")
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900",
              "--lang=en-US", "--disable-gpu"]:
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = ChromeService(os.environ.get("MGC_CHROMEDRIVER", "/usr/bin/chromedriver"))
    d = webdriver.Chrome(service=service, options=opts)
    d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return d


def firefox(downloads, errors):
    opts = webdriver.FirefoxOptions()
    opts.binary_location = os.environ.get("MGC_FIREFOX", "/usr/bin/firefox-esr")
    opts.add_argument("-headless")
    opts.set_preference("intl.accept_languages", "en-US")
    # Downloads land in `downloads` without a dialog; PDFs are saved, not shown in pdf.js.
    opts.set_preference("browser.download.folderList", 2)
    opts.set_preference("browser.download.dir", downloads)
    opts.set_preference("browser.download.useDownloadDir", True)
    opts.set_preference("browser.download.always_ask_before_handling_new_types", False)
    opts.set_preference("browser.helperApps.neverAsk.saveToDisk", "application/pdf,application/octet-stream")
    opts.set_preference("pdfjs.disabled", True)
    # Script errors arrive over WebDriver BiDi (geckodriver has no log endpoint).
    opts.enable_bidi = True
    # geckodriver's own log goes to a file (it writes until it ends, after this script's output is read).
    log = os.path.join(downloads, "geckodriver.log")
    service = FirefoxService(os.environ.get("MGC_GECKODRIVER", "geckodriver"), log_output=log)
    d = webdriver.Firefox(service=service, options=opts)
    d.script.add_javascript_error_handler(lambda entry: errors.append(str(getattr(entry, "text", entry))))
    return d


def digits(text):
    return re.sub(r"\D", "", text)


def run(args):
    api = Api(args.url, args.token)
    day = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)).date()
    station_id, integration = provision(api, day)
    api.ingest(integration, [{"device": "console-meter", "ts": now_ms(), "values": {"P": 1.5}}])
    c = Console(args.browser, args.url, args.screenshots, args.downloads)
    try:
        steps(c, api, integration, day, station_id, args.downloads)
    finally:
        c.d.quit()


def steps(c, api, integration, day, station_id, downloads):
    c.d.get(c.base + "/")
    secret = c.one("login form", "form.login textarea")
    c.shot("01-login")
    assert not c.unnamed_controls(), c.unnamed_controls()
    # Keyboard only: type the token, Tab to the button, Enter.
    secret.send_keys(api.token)
    secret.send_keys(Keys.TAB)
    focused = c.d.switch_to.active_element
    assert focused.text == "Log in", focused.get_attribute("outerHTML")
    focused.send_keys(Keys.ENTER)
    c.wait("station picker", lambda: any(o.get_attribute("value") == station_id
                                         for o in c.css("#station-picker option")))
    stored = c.d.execute_script("return [localStorage.length, sessionStorage.getItem('mgc.console.session') !== null]")
    assert stored == [0, True], f"the token lives in sessionStorage only: {stored}"
    print("ok login", flush=True)

    c.go("stations", "Stations & devices")
    value = '[data-device="console-meter"][data-point="active_power_w"]'
    c.wait("the latest value 1500 W", lambda: any(digits(e.text) == "1500" for e in c.css(value)))
    api.ingest(integration, [{"device": "console-meter", "ts": now_ms(), "values": {"P": 2.5}}])
    c.wait("the live value to become 2500 W", lambda: any(digits(e.text) == "2500" for e in c.css(value)))
    c.wait("online state", lambda: any("console-meter" in r.text and "online" in r.text
                                       for r in c.css("#devices tbody tr")))
    c.shot("02-stations")
    # A tablet in portrait: the navigation folds above the content.
    c.d.set_window_size(820, 1180)
    nav, main = c.one("nav", "nav#nav"), c.one("main", "main#main")
    assert nav.rect["y"] + nav.rect["height"] <= main.rect["y"] + 1, (nav.rect, main.rect)
    c.shot("02-stations-tablet")
    c.d.set_window_size(1366, 900)
    print("ok live value", flush=True)

    c.go("alarms", "Alarms")
    c.wait("the alarm stream to open", lambda: c.one("stream state", "#stream-state").text == "live")
    api.ingest(integration, [{"device": "console-meter", "ts": now_ms(), "values": {"P": 80.0}}])
    c.one("the raised alarm over SSE", '#alarm-feed li[data-action="raised"]')
    ack = c.one("the acknowledge button", '#alarm-list button[data-action="ack"]')
    c.shot("03-alarm-raised")
    ack.click()
    c.wait("the alarm to show acknowledged", lambda: "active_ack" in c.one("alarm row", "#alarm-list tbody tr").text)
    c.one("the acknowledgement over SSE", '#alarm-feed li[data-action="acknowledged"]')
    c.shot("04-alarm-acknowledged")
    alarms = api.call("GET", "/api/v1/alarms?status=ack")
    assert alarms["items"] and alarms["items"][0]["acknowledged_by"], alarms
    print("ok alarm ack", flush=True)

    # The rules editor reads a stored rule back into the form it is written in: saved unchanged,
    # it becomes version 2.
    c.go("alarm-rules", "Alarm rules")
    c.one("edit rule", '#rule-list button[data-action="edit"]').click()
    c.wait("the rule in the editor", lambda: "console overload" in c.one("editor", "#rule-editor").get_attribute("value"))
    c.one("save rule", "#rule-save").click()
    c.wait("version 2", lambda: "version 2" in c.one("rule out", "#rule-out").text)
    c.shot("04-alarm-rules")
    print("ok alarm rule edit", flush=True)

    c.go("statements", "Settlements & statements")
    month = day.strftime("%Y-%m")
    c.d.execute_script("document.getElementById('statement-month').value = arguments[0]", month)
    c.wait("the day to be settled", lambda: settled(c, day))
    c.one("generate", "#generate-statement").click()
    c.one("issue button", '#statements button[data-action="issue"]').click()
    c.wait("issued", lambda: "issued" in c.one("statement state", "#statements .statement-state").text)
    c.one("void reason", "#void-reason").send_keys("console test")
    c.one("void button", '#statements button[data-action="void"]').click()
    c.wait("void", lambda: "void" in c.one("statement state", "#statements .statement-state").text)
    c.one("PDF button", '#statements button[data-download="pdf"]').click()
    pdf = c.wait("the PDF download", lambda: finished_file(downloads, ".pdf"))
    with open(pdf, "rb") as f:
        assert f.read(5) == b"%PDF-", pdf
    c.shot("05-statements")
    print("ok statement issue void pdf", flush=True)

    c.go("shadow", "Shadow runs")
    for field in ("#shadow-from", "#shadow-to"):
        c.d.execute_script("document.querySelector(arguments[0]).value = arguments[1]", field, str(day))
    c.one("start button", "#start-shadow").click()
    c.wait("the shadow run to finish", lambda: c.css('#shadow-run [data-state="succeeded"]'), timeout=90)
    assert c.css('#shadow-run button[data-download="pdf"]'), "report downloads offered"
    c.shot("06-shadow-run")
    print("ok shadow run", flush=True)

    c.go("commands", "Commands")
    c.d.execute_script("""const s = document.querySelector('select[name=device_id]');
        s.value = [...s.options].find(o => o.text.startsWith('console-pcs')).value;""")
    c.one("method", "input[name=method]").send_keys("setPower")
    c.d.execute_script("document.querySelector('textarea[name=params]').value = arguments[0]", '{"w": -3000}')
    c.one("issue", "form.grid-form button[type=submit]").click()
    # No ThingsBoard is configured here: the command is refused by the adapter and ends failed.
    c.wait("the command to end", lambda: any(e.text == "failed" for e in c.css("#command-list .command-state")))
    c.shot("08-commands")
    print("ok command", flush=True)

    c.go("tariffs", "Tariffs")
    c.one("open tariff", "#tariff-list button").click()
    c.wait("the editor", lambda: c.one("editor title", "#tariff-editor-title").text.startswith("Edit flat 0.80"))
    bad = json.loads(c.one("editor", "#tariff-editor").get_attribute("value"))
    bad["import"]["price"] = "abc"
    c.d.execute_script("document.getElementById('tariff-editor').value = arguments[0]", json.dumps(bad))
    c.one("save", "#tariff-save").click()
    error = c.one("the validation message", "#tariff-out .error")
    assert re.match(r"^[a-z_]+: ", error.text), error.text
    c.shot("08-tariffs-validation")
    print("ok tariff validation", flush=True)

    c.go("stats", "Statistics")
    c.one("the chart", "svg.chart rect.bar")
    c.shot("07-statistics")
    for page, heading in [("stations", "Stations & devices"), ("alarms", "Alarms"), ("alarm-rules", "Alarm rules"),
                          ("statements", "Settlements & statements"),
                          ("commands", "Commands"), ("shadow", "Shadow runs"), ("charging", "Charging"),
                          ("tariffs", "Tariffs"), ("strategies", "Strategies"), ("dead-letters", "Dead letters"),
                          ("audit", "Audit log"), ("stats", "Statistics")]:
        c.go(page, heading)
        c.wait(f"{page} content", lambda: c.css("main table, main p.empty"))
        assert not c.css("main .error"), f"{page}: {c.one('error', 'main .error').text}"
        assert not c.unnamed_controls(), f"{page}: {c.unnamed_controls()}"
        if page in ("charging", "strategies", "dead-letters", "audit"):
            c.shot(f"08-{page}")
    c.same_origin_only()
    c.no_errors()
    print("ok pages", flush=True)

    # A second login with an API key: the tenant picker holds both, the header says which is active.
    key = api.call("POST", "/api/v1/api-keys", {"name": "console viewer", "role": "viewer"})["key"]
    c.go("stations", "Stations & devices")
    c.one("add login", "#add-login").click()
    c.d.execute_script("document.querySelector('form.login select[name=kind]').value = 'apikey'")
    c.one("key field", "form.login textarea").send_keys(key)
    c.one("log in", "form.login button[type=submit]").click()
    c.wait("two logins in the tenant picker", lambda: len(c.css("#tenant-picker option")) == 2)
    c.wait("the API key login active", lambda: "api_key" in c.one("who", "#who").text)
    # The options' own text: a <select>'s innerText is empty in Firefox.
    assert any("viewer" in o.text for o in c.css("#tenant-picker option")), "the viewer login is listed"
    c.shot("10-api-key-login")
    print("ok api key login", flush=True)

    c.d.get(c.base + "/docs")
    c.wait("the API reference", lambda: len(c.css("details.op")) > 50)
    c.same_origin_only()
    c.shot("09-docs")
    print("ok docs", flush=True)


def settled(c, day):
    if not any(str(day) in r.text for r in c.css("#settlements tbody tr")):
        c.one("show settlements", "form.inline button[type=submit]").click()
        return False
    return True


def finished_file(folder, ext):
    """The downloaded file once complete (Firefox writes `<name>.part` and may create `<name>` early)."""
    names = os.listdir(folder)
    if any(n.endswith(".part") or n.endswith(".crdownload") for n in names):
        return None
    done = [n for n in names if n.endswith(ext) and os.path.getsize(os.path.join(folder, n)) > 0]
    return os.path.join(folder, done[0]) if done else None


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--screenshots", required=True)
    p.add_argument("--downloads", required=True)
    p.add_argument("--browser", choices=["chromium", "firefox"], default="chromium")
    a = p.parse_args()
    os.makedirs(a.screenshots, exist_ok=True)
    os.makedirs(a.downloads, exist_ok=True)
    try:
        run(a)
    except Exception as e:  # one clear line for the Rust side, then the trace
        print(f"FAILED: {e}", flush=True)
        raise
    sys.exit(0)
