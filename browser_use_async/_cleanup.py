"""Cleanup that a cancellation cannot cut short: stopping what a call started before the call
gives up."""

import asyncio

__all__ = ["outlast"]


async def outlast(cleanup: "asyncio.Future[None]") -> None:
    """Await `cleanup` to its end even when cancelled again meanwhile (it must be bounded),
    then pass such a cancellation on."""
    cancelled = False
    while not cleanup.done():
        try:
            await asyncio.shield(cleanup)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    cleanup.result()
