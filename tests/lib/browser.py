"""browser.py -- headless chromium for the tests that look at what benchd
draws: screenshots (and the colours in them, to tell a picture from a
blank page) and the DOM after scripts ran, with the console's messages.

Chromium runs with a fresh profile, no network of its own (no QUIC, no
background fetches, no component updates, no sync), so that every
request it makes is one the page asked for."""

import os
import shutil
import struct
import subprocess
import tempfile
import zlib

from harness import Skip

CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions"]


def need_chromium():
    if CHROMIUM is None:
        raise Skip("chromium is not installed (Debian: chromium)")


def run(args, timeout=120):
    """chromium with FLAGS, a fresh profile and the console on stderr;
    returns (stdout, stderr) as text."""
    need_chromium()
    with tempfile.TemporaryDirectory(prefix="benchd-chromium-") as prof:
        r = subprocess.run([CHROMIUM] + FLAGS + [
            "--user-data-dir=" + prof, "--enable-logging=stderr", "--v=0"] +
            list(args), capture_output=True, timeout=timeout,
            env=dict(os.environ, HOME=prof))
    out = r.stdout.decode(errors="replace")
    err = r.stderr.decode(errors="replace")
    assert r.returncode == 0, err[-2000:]
    return out, err


def dump_dom(url, budget_ms=3000):
    """The DOM of url once its scripts ran, and chromium's stderr."""
    return run(["--virtual-time-budget=%d" % budget_ms, "--dump-dom", url])


def screenshot(url, png, size):
    """A screenshot of url (a file:// or http:// URL); its colours."""
    _, err = run(["--screenshot=" + png, "--window-size=" + size, url])
    assert os.path.exists(png), err[-2000:]
    return png_colours(png)


def png_colours(path):
    """The distinct RGB(A) pixel values of a PNG (8-bit, non-interlaced)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype = ihdr[:4]
    assert depth == 8 and ctype in (2, 6), ihdr
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    prev, colours, i = bytearray(stride), set(), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        for x in range(0, stride, bpp * 7):
            colours.add(bytes(line[x:x + bpp]))
        prev = line
    return colours
