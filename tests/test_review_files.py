"""A hostile review of uploads and downloads: odd destinations, odd storage bodies, races."""

import asyncio
import gzip
import io
import os
import random
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from browser_use_async import AsyncBrowserUse, BrowserUseError, InvalidArgumentError, LocalFileError
from tests.conftest import CannedServer
from tests.samples import FILE_ID, TASK_ID
from tests.test_files import listing, output_file

BODY = random.Random(12).randbytes(1024 * 1024)  # noqa: S311 (test data)


class BodyServer:
    """A storage host on a bare socket serving one canned answer per GET: `head` (the
    status line and headers, Content-Length added) then `body`, in `step`-byte writes
    `stall` seconds apart."""

    def __init__(self) -> None:
        self.head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
        self.body = BODY
        self.step = len(BODY)
        self.stall = 0.0
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}/objects/x"

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(self.head + b"Content-Length: %d\r\n\r\n" % len(self.body))
                for start in range(0, len(self.body), self.step):
                    writer.write(self.body[start : start + self.step])
                    await writer.drain()
                    await asyncio.sleep(self.stall)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def body_server() -> AsyncIterator[BodyServer]:
    server = BodyServer()
    server.server = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    yield server
    server.server.close()
    await server.server.wait_closed()


class ShortSink:
    """A sink that takes a third of what it is given and says so, as raw streams may."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        taken = max(1, len(data) // 3)
        self.data += data[:taken]
        return taken


class ShortRawSink(io.RawIOBase):
    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        chunk = bytes(memoryview(data))  # type: ignore[arg-type]
        taken = max(1, len(chunk) // 3)
        self.data += chunk[:taken]
        return taken


@pytest.mark.parametrize("sink_type", [ShortSink, ShortRawSink])
async def test_a_sink_that_takes_part_of_each_write_still_gets_every_byte(
    canned: CannedServer,
    canned_client: AsyncBrowserUse,
    body_server: BodyServer,
    sink_type: type[ShortSink | ShortRawSink],
) -> None:
    canned.respond(200, output_file(body_server.url))
    sink = sink_type()
    async with asyncio.timeout(20):
        written = await canned_client.files.download_output(TASK_ID, FILE_ID, sink)
    assert bytes(sink.data) == BODY
    assert written == len(BODY)


async def test_a_full_non_blocking_destination_is_an_error_not_lost_bytes(
    canned: CannedServer, canned_client: AsyncBrowserUse, body_server: BodyServer
) -> None:
    canned.respond(200, output_file(body_server.url))
    read_end, write_end = os.pipe()  # holds 64 KiB; nobody reads it
    os.set_blocking(write_end, False)
    sink = io.FileIO(write_end, "wb", closefd=False)  # raw: buffering=0
    try:
        with pytest.raises(LocalFileError, match="non-blocking"):
            async with asyncio.timeout(20):
                await canned_client.files.download_output(TASK_ID, FILE_ID, sink)
    finally:
        sink.close()
        os.close(read_end)
        os.close(write_end)


async def test_two_downloads_to_one_path_never_leave_or_report_an_incomplete_file(
    canned: CannedServer, canned_client: AsyncBrowserUse, body_server: BodyServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(body_server.url))
    body_server.step, body_server.stall = 64 * 1024, 0.01
    target = tmp_path / "out.bin"
    files = canned_client.files
    async with asyncio.timeout(30):
        first = asyncio.ensure_future(files.download_output(TASK_ID, FILE_ID, target))
        await asyncio.sleep(0.05)  # the first is writing its .part
        second = asyncio.ensure_future(files.download_output(TASK_ID, FILE_ID, target))
        await asyncio.sleep(0.05)  # the second found that .part, and made its own
        [outcome] = await asyncio.gather(first, return_exceptions=True)
        if outcome == target:  # a success means the file there is complete, now
            assert target.read_bytes() == BODY
        else:
            assert isinstance(outcome, LocalFileError), outcome
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)
    assert listing(tmp_path) in ([], ["out.bin"])  # no .part left behind
    assert not target.exists() or target.read_bytes() == BODY  # never a partial file


async def test_two_concurrent_downloads_to_one_path_give_a_complete_file(
    canned: CannedServer, canned_client: AsyncBrowserUse, body_server: BodyServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(body_server.url))
    body_server.step, body_server.stall = 64 * 1024, 0.002
    target = tmp_path / "out.bin"
    calls = [canned_client.files.download_output(TASK_ID, FILE_ID, target) for _ in range(2)]
    async with asyncio.timeout(30):
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
    assert target in outcomes
    assert all(o == target or isinstance(o, LocalFileError) for o in outcomes), outcomes
    assert target.read_bytes() == BODY
    assert listing(tmp_path) == ["out.bin"]


async def test_a_destination_directory_swapped_for_a_symlink_meanwhile_is_not_written_through(
    canned: CannedServer, canned_client: AsyncBrowserUse, body_server: BodyServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(body_server.url, file_name="weather.csv"))
    canned.canned.delay = 0.5  # the presign is slow
    directory, elsewhere = tmp_path / "downloads", tmp_path / "elsewhere"
    directory.mkdir()
    elsewhere.mkdir()
    async with asyncio.timeout(20):
        call = asyncio.ensure_future(
            canned_client.files.download_output(TASK_ID, FILE_ID, directory)
        )
        await asyncio.sleep(0)  # the call has checked the directory, and waits for the presign
        directory.rename(tmp_path / "checked")  # checked, then swapped for a symlink
        directory.symlink_to(elsewhere, target_is_directory=True)
        await asyncio.gather(call, return_exceptions=True)
    assert listing(elsewhere) == []


async def test_a_gzip_body_cut_short_is_not_saved_as_a_complete_download(
    canned: CannedServer, canned_client: AsyncBrowserUse, body_server: BodyServer
) -> None:
    compressed = gzip.compress(BODY)
    body_server.head += b"Content-Encoding: gzip\r\n"
    body_server.body = compressed[: len(compressed) // 2]  # framed right, the stream cut short
    canned.respond(200, output_file(body_server.url))
    sink = io.BytesIO()
    try:
        async with asyncio.timeout(20):
            await canned_client.files.download_output(TASK_ID, FILE_ID, sink)
    except BrowserUseError:
        return  # refused: fine
    assert sink.getvalue() == body_server.body  # the bytes as stored, not decompressed


class SlowSink:
    """A destination whose every write takes a while, and that records writes made after
    `ended` is set."""

    def __init__(self) -> None:
        self.writing = threading.Event()
        self.ended = False
        self.late = 0

    def write(self, data: bytes) -> int:
        self.writing.set()
        time.sleep(0.2)
        self.late += self.ended
        self.writing.clear()
        return len(data)


@pytest.mark.parametrize("how", ["cancel", "timeout"])
async def test_a_cancelled_download_writes_nothing_after_it_has_ended(
    canned: CannedServer, canned_client: AsyncBrowserUse, body_server: BodyServer, how: str
) -> None:
    canned.respond(200, output_file(body_server.url))
    body_server.step = 64 * 1024
    sink = SlowSink()
    async with asyncio.timeout(20):
        if how == "cancel":
            call = asyncio.ensure_future(
                canned_client.files.download_output(TASK_ID, FILE_ID, sink)
            )
            await asyncio.to_thread(sink.writing.wait, 10)  # a write is under way
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
        else:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.3):
                    await canned_client.files.download_output(TASK_ID, FILE_ID, sink)
        sink.ended = True
        assert not sink.writing.is_set()  # no write still under way
        await asyncio.sleep(0.3)
    assert sink.late == 0


async def test_a_path_with_a_trailing_slash_must_be_a_directory(
    canned: CannedServer, canned_client: AsyncBrowserUse, body_server: BodyServer, tmp_path: Path
) -> None:
    canned.respond(200, output_file(body_server.url, file_name="weather.csv"))
    with pytest.raises(InvalidArgumentError, match="no such directory"):
        await canned_client.files.download_output(TASK_ID, FILE_ID, f"{tmp_path}/downloads/")
    assert canned.requests == []
    assert listing(tmp_path) == []  # not a file named "downloads"
    (tmp_path / "downloads").mkdir()
    async with asyncio.timeout(20):
        written = await canned_client.files.download_output(
            TASK_ID, FILE_ID, f"{tmp_path}/downloads/"
        )
    assert written == tmp_path / "downloads" / "weather.csv"
    assert written.read_bytes() == BODY
