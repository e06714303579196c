#!/usr/bin/env python3
"""Counts the pixels of a PNG close to given colours (the HTML report test: are the bars drawn?).

    png-colors.py FILE.png RRGGBB [RRGGBB…]  ->  one count per colour, one per line

Standard library only: decodes 8-bit RGB/RGBA PNGs (what Chromium's screenshots are)."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), "only 8-bit RGB/RGBA"
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + left) & 255
            elif kind == 2: line[i] = (line[i] + up) & 255
            elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        previous = line
        for x in range(width):
            yield line[x * channels:x * channels + 3]


def main():
    path, colours = sys.argv[1], [bytes.fromhex(c) for c in sys.argv[2:]]
    counts = [0] * len(colours)
    for pixel in pixels(path):
        for index, colour in enumerate(colours):
            if all(abs(pixel[k] - colour[k]) <= 8 for k in range(3)):
                counts[index] += 1
    print("\n".join(map(str, counts)))


main()
