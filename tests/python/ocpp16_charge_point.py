#!/usr/bin/env python3
"""An OCPP 1.6J charge point built on the independent `ocpp` package, run against a CSMS.

Usage: ocpp16_charge_point.py --url ws://HOST/ocpp/1.6/TENANT --identity CP --password PW SCENARIO...

Runs the named scenarios in order and exits 0 when every answer is as expected; on the first
mismatch it prints what differed and exits 1 (2 for a usage error). Scenarios:

  boot-accepted, boot-pending, boot-rejected   BootNotification answered with that status
  heartbeat                                    Heartbeat answered with a time
  authorize                                    --tag accepted, --blocked-tag blocked, an unknown tag invalid
  session                                      start -> meter values -> stop (energy = stop - start); then a
                                               reconnect re-sends the stop and must get the same answer
  malformed                                    bad frames get CALLERRORs and the connection stays open
  bad-subprotocol                              a connection offering only ocpp2.0.1 is refused
  bad-password                                 a connection with a wrong password is refused
  operated                                     (needs --api and --token) an operator drives this charge point
                                               through the REST API: RemoteStart/StopTransaction, Reset,
                                               ChangeConfiguration, TriggerMessage, UpdateFirmware (then the
                                               firmware status flow), local list sync, a reservation and its
                                               cancel, a charging profile set and cleared, the composite
                                               schedule; each call must reach the charge point, pass the
                                               `ocpp` package's schema checks and make its command succeed

CSMS -> charge point calls (RemoteStart/StopTransaction, Reset, ...) are answered by the `@on`
handlers of `TestChargePoint`: add a scenario that waits for them to test remote commands.
"""

import argparse
import asyncio
import base64
import json
import sys
import urllib.error
import urllib.request

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import (
    Action,
    AvailabilityStatus,
    CancelReservationStatus,
    ChargingProfileStatus,
    ClearCacheStatus,
    ClearChargingProfileStatus,
    ConfigurationStatus,
    FirmwareStatus,
    GetCompositeScheduleStatus,
    RemoteStartStopStatus,
    ReservationStatus,
    ResetStatus,
    TriggerMessageStatus,
    UnlockStatus,
    UpdateStatus,
)

SUBPROTOCOL = "ocpp1.6"
TIMEOUT_S = 10
START = "2026-03-01T12:00:00Z"
SAMPLE = "2026-03-01T12:15:00Z"
STOP = "2026-03-01T12:30:00Z"
METER_START_WH = 1000
METER_STOP_WH = 3500


class Mismatch(Exception):
    """An answer that is not what the scenario expects."""


def expect(what, got, want):
    if got != want:
        raise Mismatch(f"{what}: expected {want!r}, got {got!r}")


class TestChargePoint(ChargePoint):
    """A charge point answering every CSMS -> charge point call it may get with Accepted; it
    remembers the actions it received (in order) and the last payload of each."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.received = []
        self.payloads = {}

    def got(self, action, **payload):
        self.received.append(action)
        self.payloads[action] = payload

    @on(Action.remote_start_transaction)
    def on_remote_start(self, id_tag, **kwargs):
        self.got("RemoteStartTransaction", id_tag=id_tag, **kwargs)
        return call_result.RemoteStartTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.remote_stop_transaction)
    def on_remote_stop(self, transaction_id, **kwargs):
        self.got("RemoteStopTransaction", transaction_id=transaction_id)
        return call_result.RemoteStopTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.reset)
    def on_reset(self, type, **kwargs):
        self.got("Reset", type=type)
        return call_result.Reset(status=ResetStatus.accepted)

    @on(Action.unlock_connector)
    def on_unlock(self, connector_id, **kwargs):
        return call_result.UnlockConnector(status=UnlockStatus.unlocked)

    @on(Action.change_availability)
    def on_change_availability(self, connector_id, type, **kwargs):
        return call_result.ChangeAvailability(status=AvailabilityStatus.accepted)

    @on(Action.change_configuration)
    def on_change_configuration(self, key, value, **kwargs):
        self.got("ChangeConfiguration", key=key, value=value)
        return call_result.ChangeConfiguration(status=ConfigurationStatus.accepted)

    @on(Action.clear_cache)
    def on_clear_cache(self, **kwargs):
        return call_result.ClearCache(status=ClearCacheStatus.accepted)

    @on(Action.trigger_message)
    def on_trigger_message(self, requested_message, **kwargs):
        self.got("TriggerMessage", requested_message=requested_message)
        return call_result.TriggerMessage(status=TriggerMessageStatus.accepted)

    @on(Action.send_local_list)
    def on_send_local_list(self, list_version, update_type, **kwargs):
        self.got("SendLocalList", list_version=list_version, update_type=update_type, **kwargs)
        return call_result.SendLocalList(status=UpdateStatus.accepted)

    @on(Action.reserve_now)
    def on_reserve_now(self, connector_id, expiry_date, id_tag, reservation_id, **kwargs):
        self.got("ReserveNow", connector_id=connector_id, id_tag=id_tag, reservation_id=reservation_id)
        return call_result.ReserveNow(status=ReservationStatus.accepted)

    @on(Action.cancel_reservation)
    def on_cancel_reservation(self, reservation_id, **kwargs):
        self.got("CancelReservation", reservation_id=reservation_id)
        return call_result.CancelReservation(status=CancelReservationStatus.accepted)

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        self.got("SetChargingProfile", connector_id=connector_id, cs_charging_profiles=cs_charging_profiles)
        return call_result.SetChargingProfile(status=ChargingProfileStatus.accepted)

    @on(Action.clear_charging_profile)
    def on_clear_charging_profile(self, **kwargs):
        self.got("ClearChargingProfile", **kwargs)
        return call_result.ClearChargingProfile(status=ClearChargingProfileStatus.accepted)

    @on(Action.get_composite_schedule)
    def on_get_composite_schedule(self, connector_id, duration, **kwargs):
        self.got("GetCompositeSchedule", connector_id=connector_id, duration=duration)
        return call_result.GetCompositeSchedule(status=GetCompositeScheduleStatus.accepted, connector_id=connector_id)

    @on(Action.update_firmware)
    def on_update_firmware(self, location, retrieve_date, **kwargs):
        self.got("UpdateFirmware", location=location, retrieve_date=retrieve_date)
        return call_result.UpdateFirmware()


def basic(identity, password):
    token = base64.b64encode(f"{identity}:{password}".encode()).decode()
    return [("Authorization", f"Basic {token}")]


def connect(args, subprotocol=SUBPROTOCOL, password=None):
    return websockets.connect(
        f"{args.url.rstrip('/')}/{args.identity}",
        subprotocols=[subprotocol],
        extra_headers=basic(args.identity, args.password if password is None else password),
        open_timeout=TIMEOUT_S,
    )


async def with_charge_point(args, body):
    """Connects, runs the charge point's receive loop, and calls `body(cp)`."""
    async with connect(args) as ws:
        cp = TestChargePoint(args.identity, ws, response_timeout=TIMEOUT_S)
        loop = asyncio.ensure_future(cp.start())
        try:
            return await body(cp)
        finally:
            loop.cancel()


async def call_ok(cp, payload):
    return await cp.call(payload, suppress=False)


def boot(status):
    async def run(args):
        async def body(cp):
            answer = await call_ok(cp, call.BootNotification(charge_point_model="PyModel", charge_point_vendor="PyVendor"))
            expect("BootNotification status", answer.status, status)
            if not isinstance(answer.interval, int) or answer.interval <= 0:
                raise Mismatch(f"BootNotification interval: {answer.interval!r} is not a positive integer")

        await with_charge_point(args, body)

    return run


async def heartbeat(args):
    async def body(cp):
        answer = await call_ok(cp, call.Heartbeat())
        if not answer.current_time:
            raise Mismatch("Heartbeat: no currentTime")

    await with_charge_point(args, body)


async def authorize(args):
    async def body(cp):
        for tag, want in [(args.tag, "Accepted"), (args.blocked_tag, "Blocked"), ("UNKNOWN-PY", "Invalid")]:
            answer = await call_ok(cp, call.Authorize(id_tag=tag))
            expect(f"Authorize {tag}", answer.id_tag_info["status"], want)

    await with_charge_point(args, body)


def stop_request(transaction_id):
    return call.StopTransaction(
        meter_stop=METER_STOP_WH, timestamp=STOP, transaction_id=transaction_id, reason="EVDisconnected", id_tag=None
    )


async def session(args):
    async def run(cp):
        start = call.StartTransaction(connector_id=1, id_tag=args.tag, meter_start=METER_START_WH, timestamp=START)
        started = await call_ok(cp, start)
        expect("StartTransaction idTagInfo.status", started.id_tag_info["status"], "Accepted")
        transaction_id = started.transaction_id
        sample = {"timestamp": SAMPLE, "sampled_value": [
            {"value": "2.2", "measurand": "Energy.Active.Import.Register", "unit": "kWh"},
            {"value": "7.4", "measurand": "Power.Active.Import", "unit": "kW"},
        ]}
        await call_ok(cp, call.MeterValues(connector_id=1, transaction_id=transaction_id, meter_value=[sample]))
        stopped = await call_ok(cp, stop_request(transaction_id))
        return transaction_id, stopped.id_tag_info

    transaction_id, first = await with_charge_point(args, run)

    async def resend(cp):
        return (await call_ok(cp, stop_request(transaction_id))).id_tag_info

    expect("re-sent StopTransaction answer", await with_charge_point(args, resend), first)
    print(f"session: transaction {transaction_id}, {METER_STOP_WH - METER_START_WH} Wh")


async def malformed(args):
    async with connect(args) as ws:
        for frame, code in [
            ('[2,"bad1","Heartbeat"]', "FormationViolation"),
            ('[2,"bad2","StartTransaction",{"connectorId":1}]', "OccurenceConstraintViolation"),
            ('[2,"bad3","NoSuchAction",{}]', "NotImplemented"),
            ('[2,"bad4","Authorize",{"idTag":"123456789012345678901"}]', "TypeConstraintViolation"),
        ]:
            await ws.send(frame)
            answer = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
            expect(f"answer to {frame}", answer[:3], [4, json.loads(frame)[1], code])
        await ws.send('[2,"ok1","Heartbeat",{}]')
        answer = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
        expect("Heartbeat after bad frames (connection still open)", answer[:2], [3, "ok1"])


async def refused(args, status, **kw):
    try:
        async with connect(args, **kw):
            pass
    except websockets.exceptions.InvalidStatusCode as e:
        expect("handshake refusal status", e.status_code, status)
        return
    raise Mismatch(f"connection with {kw} was accepted")


async def bad_subprotocol(args):
    await refused(args, 400, subprotocol="ocpp2.0.1")


async def bad_password(args):
    await refused(args, 401, password="wrong-password-0123456789")


def api(args, method, path, body=None):
    """One REST call with the operator's token; returns (status, JSON body)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{args.api.rstrip('/')}{path}", data=data, method=method)
    req.add_header("Authorization", f"Bearer {args.token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


async def settled(args, command):
    """Waits (bounded) until the command left pending/sent and returns it."""
    for _ in range(TIMEOUT_S * 10):
        status, c = await asyncio.to_thread(api, args, "GET", f"/api/v1/commands/{command['id']}")
        expect(f"GET command {command['method']}", status, 200)
        if c["state"] not in ("pending", "sent", "delivered"):
            return c
        await asyncio.sleep(0.1)
    raise Mismatch(f"command {command['method']} still {c['state']} after {TIMEOUT_S} s")


async def operated(args):
    if not args.api or not args.token:
        raise Mismatch("operated needs --api and --token")
    expiry = "2099-01-01T00:00:00Z"
    profile = {"chargingProfileId": 5, "stackLevel": 1, "chargingProfilePurpose": "TxDefaultProfile",
               "chargingProfileKind": "Absolute", "chargingSchedule": {"chargingRateUnit": "W",
               "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 7400.0}]}}

    def command(method, params):
        return ("POST", "/api/v1/commands", lambda me: {"device_id": me["device_id"], "method": method, "params": params})

    def steps(base): return [
        ("RemoteStartTransaction", command("RemoteStartTransaction", {"idTag": args.tag, "connectorId": 1})),
        ("RemoteStopTransaction", command("RemoteStopTransaction", {"transactionId": 4711})),
        ("Reset", command("Reset", {"type": "Soft"})),
        ("ChangeConfiguration", command("ChangeConfiguration", {"key": "HeartbeatInterval", "value": "120"})),
        ("TriggerMessage", command("TriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 1})),
        ("UpdateFirmware", command("UpdateFirmware", {"location": "https://fw.example/cp-2.bin", "retrieveDate": START})),
        ("SendLocalList", ("POST", f"{base}/local-list/sync", None)),
        ("ReserveNow", ("POST", f"{base}/reservations",
                        {"connector_id": 1, "id_tag": args.tag, "expires_at": expiry, "reservation_id": 42})),
        ("CancelReservation", ("DELETE", f"{base}/reservations/42", None)),
        ("SetChargingProfile", ("POST", f"{base}/charging-profiles", {"connector_id": 1, "profile": profile})),
        ("ClearChargingProfile", ("DELETE", f"{base}/charging-profiles?profile_id=5", None)),
        ("GetCompositeSchedule", ("POST", f"{base}/composite-schedule", {"connector_id": 1, "duration_s": 3600})),
    ]

    async def body(cp):
        booted = await call_ok(cp, call.BootNotification(charge_point_model="PyModel", charge_point_vendor="PyVendor"))
        expect("BootNotification status", booted.status, "Accepted")
        status, page = await asyncio.to_thread(api, args, "GET", "/api/v1/charge-points?limit=500")
        expect("GET charge-points", status, 200)
        me = next((c for c in page["items"] if c["identity"] == args.identity), None)
        if me is None or not me.get("device_id"):
            raise Mismatch(f"charge point {args.identity} is not listed with a device: {page}")
        base = f"/api/v1/charge-points/{me['id']}"
        for action, (method, path, payload) in steps(base):
            if callable(payload):
                payload = payload(me)
            status, c = await asyncio.to_thread(api, args, method, path, payload)
            if status not in (201, 202):
                raise Mismatch(f"{action}: {method} {path} answered {status}: {c}")
            done = await settled(args, c)
            expect(f"{action} command state ({done.get('last_error')})", done["state"], "succeeded")
            expect(f"last call received by the charge point", cp.received[-1] if cp.received else None, action)
        expect("SendLocalList type", cp.payloads["SendLocalList"]["update_type"], "Full")
        expect("ReserveNow reservation id", cp.payloads["ReserveNow"]["reservation_id"], 42)
        for fw in (FirmwareStatus.downloading, FirmwareStatus.downloaded, FirmwareStatus.installing, FirmwareStatus.installed):
            await call_ok(cp, call.FirmwareStatusNotification(status=fw))
        status, after = await asyncio.to_thread(api, args, "GET", base)
        expect("GET charge point", status, 200)
        expect("firmware status after the flow", after.get("firmware_status"), "Installed")

    await with_charge_point(args, body)


SCENARIOS = {
    "boot-accepted": boot("Accepted"),
    "boot-pending": boot("Pending"),
    "boot-rejected": boot("Rejected"),
    "heartbeat": heartbeat,
    "authorize": authorize,
    "session": session,
    "malformed": malformed,
    "bad-subprotocol": bad_subprotocol,
    "bad-password": bad_password,
    "operated": operated,
}


async def main(args):
    for name in args.scenarios:
        try:
            await SCENARIOS[name](args)
        except Mismatch as e:
            print(f"FAIL {name}: {e}", file=sys.stderr)
            return 1
        except Exception as e:  # a refused call, a timeout, a closed connection: all mismatches
            print(f"FAIL {name}: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
        print(f"ok {name}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="central system URL without the identity")
    parser.add_argument("--identity", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--tag", default="TAG1", help="an accepted id tag")
    parser.add_argument("--blocked-tag", default="BLOCKED1", help="a blocked id tag")
    parser.add_argument("--api", help="base URL of the REST API (for 'operated')")
    parser.add_argument("--token", help="an operator's JWT (for 'operated')")
    parser.add_argument("scenarios", nargs="+", choices=sorted(SCENARIOS))
    sys.exit(asyncio.run(main(parser.parse_args())))
