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

CSMS -> charge point calls (RemoteStart/StopTransaction, Reset, ...) are answered by the `@on`
handlers of `TestChargePoint`: add a scenario that waits for them to test remote commands.
"""

import argparse
import asyncio
import base64
import json
import sys

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import (
    Action,
    AvailabilityStatus,
    ClearCacheStatus,
    ConfigurationStatus,
    RemoteStartStopStatus,
    ResetStatus,
    TriggerMessageStatus,
    UnlockStatus,
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
    """A charge point answering every CSMS -> charge point call it may get with Accepted."""

    @on(Action.remote_start_transaction)
    def on_remote_start(self, id_tag, **kwargs):
        return call_result.RemoteStartTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.remote_stop_transaction)
    def on_remote_stop(self, transaction_id, **kwargs):
        return call_result.RemoteStopTransaction(status=RemoteStartStopStatus.accepted)

    @on(Action.reset)
    def on_reset(self, type, **kwargs):
        return call_result.Reset(status=ResetStatus.accepted)

    @on(Action.unlock_connector)
    def on_unlock(self, connector_id, **kwargs):
        return call_result.UnlockConnector(status=UnlockStatus.unlocked)

    @on(Action.change_availability)
    def on_change_availability(self, connector_id, type, **kwargs):
        return call_result.ChangeAvailability(status=AvailabilityStatus.accepted)

    @on(Action.change_configuration)
    def on_change_configuration(self, key, value, **kwargs):
        return call_result.ChangeConfiguration(status=ConfigurationStatus.accepted)

    @on(Action.clear_cache)
    def on_clear_cache(self, **kwargs):
        return call_result.ClearCache(status=ClearCacheStatus.accepted)

    @on(Action.trigger_message)
    def on_trigger_message(self, requested_message, **kwargs):
        return call_result.TriggerMessage(status=TriggerMessageStatus.accepted)


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
    parser.add_argument("scenarios", nargs="+", choices=sorted(SCENARIOS))
    sys.exit(asyncio.run(main(parser.parse_args())))
