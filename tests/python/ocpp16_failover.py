#!/usr/bin/env python3
"""An OCPP 1.6J charge point (the `ocpp` package) that fails over between `mgc serve` instances.

Usage: ocpp16_failover.py --urls URL1,URL2 --identity CP --password PW [--tag TAG]
                          [--reconnect-when FILE]

Connects to the first URL and boots; when that connection ends (the instance died), connects to
the next one (once FILE exists, when given) without booting again, as a charge point that did
not restart does. It accepts every CSMS call; after
accepting RemoteStartTransaction it starts a transaction (meter 1000 Wh), after accepting
RemoteStopTransaction it stops it (meter 3500 Wh) and exits 0. One line on stdout per step, for
the test driving it: `connected N` (answered on the N-th URL), `started TX`, `changed KEY`,
`stopped TX`. Exits 1 when the last URL's connection ends first.
"""

import argparse
import asyncio
import os
import sys

from ocpp.routing import after
from ocpp.v16 import call
from ocpp.v16.enums import Action

from ocpp16_charge_point import (
    METER_START_WH,
    METER_STOP_WH,
    START,
    STOP,
    SUBPROTOCOL,
    TIMEOUT_S,
    TestChargePoint,
    basic,
)

import websockets


def say(line):
    print(line, flush=True)


class State:
    """What outlives one connection: the open transaction, and whether the run is done."""

    def __init__(self):
        self.transaction = None
        self.done = asyncio.Event()


class FailoverChargePoint(TestChargePoint):
    def __init__(self, state, tag, *a, **kw):
        super().__init__(*a, **kw)
        self.state = state
        self.tag = tag

    @after(Action.remote_start_transaction)
    async def started(self, id_tag, **kwargs):
        answer = await self.call(
            call.StartTransaction(connector_id=1, id_tag=id_tag, meter_start=METER_START_WH, timestamp=START),
            suppress=False,
        )
        self.state.transaction = answer.transaction_id
        say(f"started {answer.transaction_id}")

    @after(Action.change_configuration)
    async def changed(self, key, value, **kwargs):
        say(f"changed {key}")

    @after(Action.remote_stop_transaction)
    async def stopped(self, transaction_id, **kwargs):
        stop = call.StopTransaction(
            transaction_id=transaction_id, meter_stop=METER_STOP_WH, timestamp=STOP, reason="Remote"
        )
        await self.call(stop, suppress=False)
        say(f"stopped {transaction_id}")
        self.state.done.set()


async def serve_one(args, state, n, url):
    async with websockets.connect(
        f"{url.rstrip('/')}/{args.identity}",
        subprotocols=[SUBPROTOCOL],
        extra_headers=basic(args.identity, args.password),
        open_timeout=TIMEOUT_S,
    ) as ws:
        cp = FailoverChargePoint(state, args.tag, args.identity, ws, response_timeout=TIMEOUT_S)
        loop = asyncio.ensure_future(cp.start())
        if n == 1:
            boot = await cp.call(call.BootNotification(charge_point_model="PyModel", charge_point_vendor="PyVendor"))
            if boot.status != "Accepted":
                raise RuntimeError(f"boot on {url}: {boot.status}")
        else:
            # A reconnect is not a reboot: no BootNotification (that would close the open
            # transaction), a heartbeat shows the new instance answers.
            await cp.call(call.Heartbeat(), suppress=False)
        say(f"connected {n}")
        done = asyncio.ensure_future(state.done.wait())
        await asyncio.wait([loop, done], return_when=asyncio.FIRST_COMPLETED)
        loop.cancel()
        done.cancel()


async def main(args):
    state = State()
    urls = args.urls.split(",")
    for n, url in enumerate(urls, start=1):
        if n > 1 and args.reconnect_when:
            # The driving test lets the charge point come back once it has set the stage.
            while not os.path.exists(args.reconnect_when):
                await asyncio.sleep(0.05)
        try:
            await serve_one(args, state, n, url)
        except (OSError, websockets.exceptions.WebSocketException) as e:
            print(f"connection {n} ended: {type(e).__name__}: {e}", file=sys.stderr)
        if state.done.is_set():
            return 0
    print("FAIL: every instance's connection ended before the transaction stopped", file=sys.stderr)
    return 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", required=True, help="comma-separated central system URLs without the identity")
    parser.add_argument("--identity", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--tag", default="TAG1")
    parser.add_argument("--reconnect-when", help="reconnect only once this file exists")
    sys.exit(asyncio.run(main(parser.parse_args())))
