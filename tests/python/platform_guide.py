"""A platform developer follows docs/third-party.md against a running `mgc serve`.

One process plays the three parties the guide talks about, each independent of the service:
the operator (an admin JWT: the API key, the PLATFORM tag, the subscription), the platform (the
API key only: start, status, stop, reconcile by order number, and a webhook receiver that checks
every notice with the guide's own `verify`), and the pile (the Python `ocpp` package's charge
point, which answers RemoteStart/StopTransaction the way a real pile does: with a transaction).

Exits 0 when every step answered as the guide says; otherwise prints `FAIL <step>: ...` and
exits 1. The last line is a JSON summary for the calling test.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action, RemoteStartStopStatus

ORDER = "ORD-20261207-0001"
SECRET = "platform-secret-0123456789"
METER_START_WH = 1000
METER_STOP_WH = 5800
WAIT_S = 30


class Mismatch(Exception):
    """An answer that is not what the guide says."""


def expect(what, got, want):
    if got != want:
        raise Mismatch(f"{what}: got {got!r}, want {want!r}")


def verify(secret: bytes, ts: str, body: bytes, header: str) -> bool:
    """The guide's verification, as printed in section 7."""
    want = "sha256=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, header)


class Receiver(BaseHTTPRequestHandler):
    """The platform's webhook: keeps every notice with its headers, answers 204."""

    notices = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with Receiver.lock:
            Receiver.notices.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Api:
    """REST calls with one credential (`Bearer <jwt>` or `ApiKey <key>`)."""

    def __init__(self, base, authorization):
        self.base, self.authorization = base.rstrip("/"), authorization

    def __call__(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", self.authorization)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=WAIT_S) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def ok(self, method, path, body=None, want=200):
        status, answer = self(method, path, body)
        expect(f"{method} {path} status ({answer})", status, want)
        return answer


async def until(what, probe):
    """Polls `probe` (a blocking call) until it returns something truthy, bounded by WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        got = await asyncio.to_thread(probe)
        if got:
            return got
        await asyncio.sleep(0.1)
    raise Mismatch(f"{what}: not within {WAIT_S} s")


class Pile(ChargePoint):
    """A pile that hands the central system's remote calls to the scenario."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.remote = asyncio.Queue()

    @on(Action.remote_start_transaction)
    def on_remote_start(self, id_tag, **kwargs):
        self.remote.put_nowait(("start", {"id_tag": id_tag, **kwargs}))
        return call_result.RemoteStartTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.remote_stop_transaction)
    def on_remote_stop(self, transaction_id, **kwargs):
        self.remote.put_nowait(("stop", {"transaction_id": transaction_id}))
        return call_result.RemoteStopTransaction(status=RemoteStartStopStatus.accepted)


def now():
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def status(connector, state):
    return call.StatusNotification(connector_id=connector, error_code="NoError", status=state, timestamp=now())


async def remote(pile, kind):
    got, payload = await asyncio.wait_for(pile.remote.get(), WAIT_S)
    expect("remote call the pile received", got, kind)
    return payload


async def guide(args, pile, receiver_url):
    admin = Api(args.api, f"Bearer {args.admin_token}")
    # 1. A key, and the PLATFORM tag the operator registers once.
    created = await asyncio.to_thread(admin.ok, "POST", "/api/v1/api-keys", {"name": "my-platform", "role": "operator"}, 201)
    key = created["key"]
    expect("key prefix", key.startswith("mgc_"), True)
    await asyncio.to_thread(admin.ok, "PUT", "/api/v1/id-tags/PLATFORM", {"status": "accepted"})
    platform = Api(args.api, f"ApiKey {key}")
    # 7. The operator subscribes the platform's receiver to everything, progress unthrottled.
    body = {"url": receiver_url, "secret": SECRET, "event_types": ["*"], "progress_interval_s": 0}
    sub = await asyncio.to_thread(admin.ok, "POST", "/api/v1/subscriptions", body, 201)
    expect("the secret is never shown", "secret" in sub or SECRET in json.dumps(sub), False)

    # 2. The pile connects; the platform sees it by its identity.
    booted = await pile.call(call.BootNotification(charge_point_model="PyModel", charge_point_vendor="PyVendor"))
    expect("BootNotification", booted.status, "Accepted")
    await pile.call(status(1, "Available"))
    device = f"/api/third/v1/devices/{args.identity}"
    await until("the pile shown connected", lambda: platform("GET", device)[1].get("connected") is True)

    # 3. Start a charge; the same start again is the same order and the same command.
    start = {"port": 1, "mode": "full", "order_no": ORDER}
    first = await asyncio.to_thread(platform.ok, "POST", f"{device}/charge/start", start, 201)
    again = await asyncio.to_thread(platform.ok, "POST", f"{device}/charge/start", start, 200)
    expect("a repeated start's command", again["command"]["id"], first["command"]["id"])
    expect("the order's number", first["order"]["order_no"], ORDER)
    asked = await remote(pile, "start")
    expect("RemoteStartTransaction idTag", asked["id_tag"], "PLATFORM")
    expect("RemoteStartTransaction connectorId", asked.get("connector_id"), 1)
    started = await pile.call(call.StartTransaction(connector_id=1, id_tag="PLATFORM", meter_start=METER_START_WH, timestamp=now()))
    expect("StartTransaction", started.id_tag_info["status"], "Accepted")
    tx = started.transaction_id
    await pile.call(status(1, "Charging"))
    command = f"/api/v1/commands/{first['command']['id']}"
    await until("the start command succeeded", lambda: platform("GET", command)[1].get("state") == "succeeded")

    # 4. Follow it (meter progress shows in the status) and stop it.
    sample = {"timestamp": now(), "sampled_value": [{"value": "3.4", "measurand": "Energy.Active.Import.Register", "unit": "kWh"}]}
    await pile.call(call.MeterValues(connector_id=1, transaction_id=tx, meter_value=[sample]))

    def charging():
        s, answer = platform("GET", f"{device}/charge/status?port=1")
        session = (answer or {}).get("session") or {}
        linked = ((answer or {}).get("order") or {}).get("order_no") == ORDER
        return s == 200 and answer["status"] == "charging" and session.get("energy_wh") == 2400 and linked and answer

    await until("status: charging, 2400 Wh, the order", charging)
    stop = {"port": 1, "order_no": ORDER, "reason": "user"}
    stopping = await asyncio.to_thread(platform.ok, "POST", f"{device}/charge/stop", stop, 202)
    repeated = await asyncio.to_thread(platform.ok, "POST", f"{device}/charge/stop", stop, 200)
    expect("a repeated stop's command", repeated["id"], stopping["id"])
    expect("RemoteStopTransaction transactionId", (await remote(pile, "stop"))["transaction_id"], tx)
    stopped = await pile.call(call.StopTransaction(meter_stop=METER_STOP_WH, timestamp=now(), transaction_id=tx, reason="Remote"))
    expect("StopTransaction", (stopped.id_tag_info or {}).get("status", "Accepted"), "Accepted")
    await pile.call(status(1, "Finishing"))
    await pile.call(status(1, "Available"))

    # 6. Reconcile by order number: one completed session of 4800 Wh, its timeline carries the order.
    def reconciled():
        _, page = platform("GET", f"/api/v1/charging-sessions?order_no={ORDER}")
        items = (page or {}).get("items") or []
        return len(items) == 1 and items[0]["state"] == "completed" and items[0]

    session = await until("the order's session completed", reconciled)
    expect("session energy (Wh)", session["energy_wh"], METER_STOP_WH - METER_START_WH)
    expect("session order_no", session["order_no"], ORDER)
    timeline = await asyncio.to_thread(platform.ok, "GET", f"/api/v1/charging-sessions/{session['id']}/timeline")
    expect("timeline order_no", timeline.get("order_no"), ORDER)
    kinds = [e["kind"] for e in timeline["items"]]
    _, other = await asyncio.to_thread(platform, "GET", "/api/v1/charging-sessions?order_no=ORD-NOT-OURS")
    expect("another number finds nothing", other["items"], [])

    # 7. Every step was told, signed, once, in order.
    def told():
        with Receiver.lock:
            notices = [json.loads(b) for _, b in Receiver.notices]
        events = [n.get("event") for n in notices]
        ports = [n["data"].get("to") for n in notices if n.get("event") == "port.status_changed"]
        return "session.ended" in events and "device.online" in events and ports[-2:] == ["finishing", "available"]

    await until("session.ended, device.online and the port available again told", told)
    return session, kinds


def check_notices(session):
    with Receiver.lock:
        notices = list(Receiver.notices)
    ids, events = set(), []
    for headers, body in notices:
        h = {k.lower(): v for k, v in headers.items()}
        ts = h["x-mgc-timestamp"]
        expect("signature by the guide's verify", verify(SECRET.encode(), ts, body, h["x-mgc-signature"]), True)
        expect("timestamp within 5 minutes", abs(time.time() - int(ts)) <= 300, True)
        notice = json.loads(body)
        expect("X-Mgc-Delivery is the notice id", h["x-mgc-delivery"], notice["id"])
        expect(f"notice {notice['id']} told once", notice["id"] in ids, False)
        ids.add(notice["id"])
        events.append(notice)
    ours = [n for n in events if n["data"].get("session_id") == session["id"]]
    order = [n["event"] for n in ours]
    expect("the session's notices start with session.started", order[:1], ["session.started"])
    expect("and end with session.ended", order[-1:], ["session.ended"])
    for n in ours:
        expect(f"{n['event']} carries the order number", n["data"].get("order_no"), ORDER)
    ended = ours[-1]["data"]
    expect("session.ended energy (Wh)", ended.get("energy_wh"), METER_STOP_WH - METER_START_WH)
    ports = [n["data"].get("to") for n in events if n["event"] == "port.status_changed" and n["data"].get("connector") == 1]
    return {"events": [n["event"] for n in events], "session_events": order, "port_statuses": ports}


async def main(args):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver_url = f"http://127.0.0.1:{server.server_address[1]}/mgc-hook"
    auth = base64.b64encode(f"{args.identity}:{args.password}".encode()).decode()
    step = "connect"
    try:
        async with websockets.connect(f"{args.ocpp_url.rstrip('/')}/{args.identity}", subprotocols=["ocpp1.6"],
                                      extra_headers=[("Authorization", f"Basic {auth}")], open_timeout=WAIT_S) as ws:
            pile = Pile(args.identity, ws, response_timeout=WAIT_S)
            loop = asyncio.ensure_future(pile.start())
            try:
                step = "guide"
                session, kinds = await guide(args, pile, receiver_url)
                step = "notices"
                summary = check_notices(session)
            finally:
                loop.cancel()
    except Exception as e:  # a refused call, a timeout, a closed connection: all mismatches
        print(f"FAIL {step}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        server.shutdown()
    summary.update({"session": session, "timeline": kinds})
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="base URL of the REST API")
    parser.add_argument("--admin-token", required=True, help="a tenant admin's JWT (the operator)")
    parser.add_argument("--ocpp-url", required=True, help="the OCPP 1.6J endpoint without the identity")
    parser.add_argument("--identity", required=True)
    parser.add_argument("--password", required=True)
    sys.exit(asyncio.run(main(parser.parse_args())))
