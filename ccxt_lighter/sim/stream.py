"""The simulator's ``GET /stream`` WebSocket: Lighter's subscribe/snapshot/update protocol and
WebSocket transaction intake over the engine.

Venue facts (REFERENCE.md 6): on connect the server sends ``{"type":"connected","session_id":..}``;
clients send ``{"type":"subscribe","channel":"order_book/0"[,"auth":..]}`` / ``unsubscribe``; the
server answers ``subscribed/<name>`` (snapshot), then ``update/<name>`` frames, ``unsubscribed``,
``{"type":"pong"}`` to ``{"type":"ping"}``; a connection that sends nothing (not even a protocol
ping) for 2 minutes is closed. Errors: ``{"error":{"code":..,"message":..}}`` -- the form ccxt's
in-tree client reports seeing live for 30002/30003/30005 (messages like
``"Already Subscribed to : order_book:0"``) -- and ``{"type":"error","code":30012,"channel":..,
"message":"failed to subscribe"}`` (captured fixture) when a snapshot cannot be produced.
Auth failures use the first form with the engine's code (the venue's exact reply is unverified).

Invariant: subscription bookkeeping, snapshots and the fan-out of engine events all run on the
event loop without awaiting in between, so a snapshot and the updates that follow it never miss or
repeat an engine step.

Engine API used (contract in ``engine.py``): ``add_listener``/``remove_listener``, ``markets``,
``market``, ``book_levels``, ``book_last_updated_at``, ``recent_trades``, ``candles``,
``market_stats``, ``height``, ``now_ms``, ``account_exists``, ``account_orders``/``positions``/
``assets``/``stats``/``trades`` (with ``market_id=``)/``txs``/``fundings``/``notifications``,
``check_auth``, ``submit_tx``, ``submit_batch``. ``Simulator(ws_idle_timeout=...)`` reaches
:func:`attach` as ``idle_timeout=``.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Dict, Optional, Set

from aiohttp import WSCloseCode, WSMsgType, web

from .errors import LighterError
from .ws_account import AccountFeeds
from .ws_channels import PUBLIC, REQUIRED, parse_channel
from .ws_frames import is_order_book
from .ws_public import PublicFeeds
from .ws_session import Session, fault_value
from .ws_tx import SENDTX, SENDTXBATCH, error_reply, handle_tx_frame

log = logging.getLogger(__name__)

INVALID_JSON, INVALID_TYPE, NOT_SUBSCRIBED, ALREADY_SUBSCRIBED = 30000, 30001, 30002, 30003
TOO_MANY_MESSAGES, TOO_MANY_INFLIGHT, FAILED_TO_SUBSCRIBE = 30009, 30010, 30012
TOO_MANY_SUBSCRIPTIONS, ACCOUNT_NOT_FOUND, INVALID_AUTH = 23001, 21100, 20013
INTERNAL_ERROR = 29500


@dataclass
class StreamSettings:
    """Per-connection limits (venue defaults, REFERENCE.md 4/6.3); mutable at run time."""

    idle_timeout: float = 120.0
    max_subscriptions: int = 500
    max_messages_per_minute: int = 200
    message_window: float = 60.0
    max_inflight: int = 50
    max_queue: int = 10_000
    trade_snapshot_limit: int = 50
    candle_snapshot_limit: int = 100


STREAM_KEY = web.AppKey("sim_stream", object) if hasattr(web, "AppKey") else "sim_stream"


def _message_type(text: str) -> str:
    try:
        kind = json.loads(text).get("type")
    except (ValueError, AttributeError):
        return "unparsable"
    return kind if isinstance(kind, str) else "untyped"


def _err(code: int, message: str, detail: Optional[str] = None) -> dict:
    return error_reply(LighterError(code, message, detail), None)


class StreamServer:
    """Owns the sessions of one app and fans engine events out to them."""

    def __init__(self, engine, faults=None, settings: Optional[StreamSettings] = None) -> None:
        self.engine = engine
        self.faults = faults
        self.settings = settings or StreamSettings()
        self.sessions: Set[Session] = set()
        self._topics: Dict[str, Set[Session]] = {}
        self._accounts: Dict[int, int] = {}  # account -> number of live subscriptions naming it
        self.public = PublicFeeds(engine, self.wanted, self.settings)
        self.account = AccountFeeds(engine, self.wanted, self.watched, self.settings)
        engine.add_listener(self.on_event)

    def wanted(self, topic: str) -> bool:
        return bool(self._topics.get(topic))

    def watched(self, account_index: int) -> bool:
        return account_index in self._accounts

    # -- engine events --------------------------------------------------------------------------
    def on_event(self, event) -> None:
        """Engine listener: render each update once and queue it on every subscriber.

        Runs on the event loop's thread (the engine is only driven from there), so queueing is safe.
        """
        for feeds in (self.public, self.account):
            for topic, frame in feeds.updates(event):
                # Order-book frames get a per-connection offset; every other frame is identical
                # for all subscribers, so it is serialised once here.
                shared = frame if is_order_book(frame) else json.dumps(frame, separators=(",", ":"))
                for session in list(self._topics.get(topic, ())):
                    session.push_update(topic, shared)

    # -- the WebSocket handler ------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        # autoping off: protocol pings must reach us so they count as activity for the idle rule.
        ws = web.WebSocketResponse(autoping=False, max_msg_size=4 * 1024 * 1024)
        await ws.prepare(request)
        session = Session(ws, request, self.settings, self.faults)
        self.sessions.add(session)
        writer = session.writer_task = asyncio.ensure_future(session.writer())
        session.push({"type": "connected", "session_id": session.session_id})
        try:
            await self._read_loop(ws, session)
        finally:
            self._remove(session)
            session.stop()
            await asyncio.wait([writer], timeout=1.0)
            if not writer.done():
                writer.cancel()
            if not ws.closed and not session.dropped:
                await session.close_quietly(WSCloseCode.GOING_AWAY, b"")
        return ws

    async def _read_loop(self, ws: web.WebSocketResponse, session: Session) -> None:
        while True:
            try:
                msg = await ws.receive(timeout=self.settings.idle_timeout)
            except asyncio.TimeoutError:
                # Venue rule: nothing received for the idle period -> the server closes.
                await session.close_quietly(WSCloseCode.OK, b"idle timeout")
                return
            if msg.type == WSMsgType.TEXT:
                self._dispatch_guarded(session, msg.data)
            elif msg.type == WSMsgType.PING:
                await ws.pong(msg.data)
            elif msg.type == WSMsgType.PONG:
                continue
            elif msg.type == WSMsgType.BINARY:
                session.push(_err(INVALID_JSON, "Invalid Json", "binary frame"))
            else:  # CLOSE, CLOSING, CLOSED, ERROR
                return

    def _remove(self, session: Session) -> None:
        self.sessions.discard(session)
        for topic in list(session.subs):
            self._unlink(session, topic)

    def _unlink(self, session: Session, topic: str) -> None:
        ch = session.subs.get(topic)
        if ch is not None and ch.account is not None:
            left = self._accounts.get(ch.account, 1) - 1
            if left > 0:
                self._accounts[ch.account] = left
            else:
                self._accounts.pop(ch.account, None)
        session.forget(topic)
        members = self._topics.get(topic)
        if members is not None:
            members.discard(session)
            if not members:
                del self._topics[topic]

    # -- client messages ------------------------------------------------------------------------
    def _dispatch_guarded(self, session: Session, text: str) -> None:
        """A bug behind one message answers 29500 (as the venue's API server would) and is logged
        with its traceback; the connection and its other subscriptions stay up."""
        try:
            self.dispatch(session, text)
        except Exception:  # noqa: BLE001 - reported to the client and logged, never swallowed
            # Only the message type is logged: the text may hold an auth token or a signed tx.
            log.exception("/stream %s message failed", _message_type(text))
            session.push(_err(INTERNAL_ERROR, "internal server error"))

    def dispatch(self, session: Session, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            session.push(_err(INVALID_JSON, "Invalid Json"))
            return
        kind = message.get("type")
        if kind in (SENDTX, SENDTXBATCH):  # excluded from the message/in-flight limits
            session.push(handle_tx_frame(self.engine, message, readonly=session.readonly))
            return
        if kind == "pong":  # answer to a server ping: activity only
            return
        if not session.allow_message():
            session.push(_err(TOO_MANY_MESSAGES, "Too Many Websocket Messages!"))
            return
        if session.inflight_full():
            session.push(_err(TOO_MANY_INFLIGHT, "Too Many Inflight Messages!"))
            return
        handler = {"subscribe": self._subscribe, "unsubscribe": self._unsubscribe,
                   "ping": self._ping}.get(kind)
        if handler is None:
            session.push(_err(INVALID_TYPE, "Invalid Type"), reply=True)
            return
        handler(session, message)

    def _ping(self, session: Session, message: dict) -> None:
        session.push({"type": "pong"}, reply=True)

    def _subscribe(self, session: Session, message: dict) -> None:
        try:
            ch = parse_channel(message.get("channel"), self.engine.markets)
            if ch.topic in session.subs:
                raise LighterError(ALREADY_SUBSCRIBED, "Already Subscribed to ", ch.topic)
            if len(session.subs) >= self.settings.max_subscriptions:
                raise LighterError(TOO_MANY_SUBSCRIPTIONS, "Too Many Subscriptions!")
            self._check_account(ch, message.get("auth"))
        except LighterError as err:
            session.push(error_reply(err, None), reply=True)
            return
        try:
            feeds = self.public if ch.auth == PUBLIC else self.account
            frame = feeds.snapshot(ch)
        except LighterError as err:
            log.debug("snapshot of %s failed: %s", ch.topic, err)
            session.push({"type": "error", "code": FAILED_TO_SUBSCRIBE, "channel": ch.topic,
                          "message": "failed to subscribe"}, reply=True)
            return
        session.subs[ch.topic] = ch
        self._topics.setdefault(ch.topic, set()).add(session)
        if ch.account is not None:
            self._accounts[ch.account] = self._accounts.get(ch.account, 0) + 1
        session.push_snapshot(ch.topic, frame)

    def _check_account(self, ch, token: object) -> None:
        if ch.auth == PUBLIC:
            return
        if token is None:
            if ch.auth == REQUIRED:
                raise LighterError(INVALID_AUTH, "invalid auth", "auth token required for " + ch.topic)
        elif not isinstance(token, str):
            raise LighterError(INVALID_AUTH, "invalid auth")
        else:
            # The engine verifies structure, account, key, deadline and signature.
            self.engine.check_auth(token, ch.account)
        if not self.engine.account_exists(ch.account):
            raise LighterError(ACCOUNT_NOT_FOUND, "account not found")

    def _unsubscribe(self, session: Session, message: dict) -> None:
        try:
            ch = parse_channel(message.get("channel"), self.engine.markets)
            if ch.topic not in session.subs:
                raise LighterError(NOT_SUBSCRIBED, "Not Subscribed to ", ch.topic)
        except LighterError as err:
            session.push(error_reply(err, None), reply=True)
            return
        self._unlink(session, ch.topic)
        session.push({"type": "unsubscribed", "channel": ch.topic}, reply=True)

    # -- lifecycle ------------------------------------------------------------------------------
    async def close_all(self, app: Optional[web.Application] = None) -> None:
        """Tell every client the server goes away, then close (aiohttp on_shutdown hook)."""
        sessions = list(self.sessions)
        for session in sessions:
            session.push({"type": "shutdown", "close_in_ms": 0})
            session.stop()
        writers = [s.writer_task for s in sessions if s.writer_task is not None]
        if writers:
            await asyncio.wait(writers, timeout=1.0)
        for session in sessions:
            await session.close_quietly(WSCloseCode.GOING_AWAY, b"server shutdown")
        self.engine.remove_listener(self.on_event)


def attach(app: web.Application, engine, faults=None, settings: Optional[StreamSettings] = None,
           **overrides) -> StreamServer:
    """Add ``GET /stream`` to ``app``; ``overrides`` set :class:`StreamSettings` fields
    (e.g. ``idle_timeout=1.0``). The server object is stored as ``app[STREAM_KEY]``."""
    settings = settings or StreamSettings()
    for name, value in overrides.items():
        if not hasattr(settings, name):
            raise TypeError(f"unknown stream setting {name!r}")
        setattr(settings, name, value)
    server = StreamServer(engine, faults, settings)
    app[STREAM_KEY] = server
    app.router.add_get("/stream", server.handle)
    app.on_shutdown.append(server.close_all)
    return server


__all__ = ["attach", "StreamServer", "StreamSettings", "STREAM_KEY", "fault_value"]
