"""Each HTTP request of the local stack on a thread and an event loop of its own.

Powertools' ``HttpResolverLocal`` runs sync route handlers on the event loop and each sync
middleware (request validation) on the loop's default executor, whose thread then waits for the
next step on the same small pool. Under ~20 concurrent requests the pool fills with threads
waiting for each other and the server stops answering, and a slow handler holds up every other
request meanwhile. Lambda never sees this (one request per container), so the cure lives here,
in the local host, not in the routes: a request runs whole on a worker thread, inside an event
loop of its own (so its nested waits use its own executor), and only its response messages come
back to uvicorn's loop. A bounded pool queues the excess instead of deadlocking.
"""
from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Message = dict[str, Any]
ASGIApp = Callable[[dict[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Coroutine[Any, Any, None]]

DEFAULT_WORKERS = 32


class RequestThreads:
    """ASGI middleware: run ``app`` for each HTTP request on a worker thread, in its own loop."""

    def __init__(self, app: ASGIApp, workers: int = DEFAULT_WORKERS) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="request")

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replies: list[Message] = []
        context = contextvars.copy_context()
        await asyncio.get_running_loop().run_in_executor(
            self.pool, context.run, self._run, scope, body, replies)
        for message in replies:
            await send(message)

    def _run(self, scope: dict[str, Any], body: bytes, replies: list[Message]) -> None:
        run_request(self.app, scope, body, replies)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def run_request(app: ASGIApp, scope: dict[str, Any], body: bytes, replies: list[Message],
                timeout: float | None = None) -> None:
    """One HTTP request through ``app`` on an event loop of its own: ``body`` is the whole request,
    and the response's messages are appended to ``replies`` (the tests' local host uses it too)."""
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        replies.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout))
