# SPDX-License-Identifier: LGPL-3.0-or-later
"""A fake USB device for QEMU's usb-redir: a usbredir protocol server
(packet types and layouts from usbredirproto.h; what QEMU sends and expects
from its hw/usb/redirect.c) on a Unix socket that QEMU connects to with
`-chardev socket,id=ur,path=SOCK -device usb-redir,chardev=ur,bus=usb0.0`.

The device announces itself (interface_info, ep_info, device_connect) and
answers control requests according to `mode`:

* "all": every control transfer stalls, from the first GET_DESCRIPTOR;
* "after-device": the device descriptor is returned, then everything stalls;
* "set-config": descriptors of a mass-storage (Bulk-Only) interface are
  returned, SET_CONFIGURATION stalls;
* "bulk": the mass-storage device configures (GET MAX LUN stalls: one
  LUN; CLEAR_FEATURE(ENDPOINT_HALT) and Bulk-Only Mass Storage Reset
  succeed), every bulk transfer stalls.

SET_ADDRESS never reaches the fake (QEMU answers it itself). What the fake
was asked is kept in `requests` as (bmRequestType, bRequest, wValue) tuples.
Bulk transfers stall in every mode."""
import os
import socket
import struct
import threading

HELLO, DEVICE_CONNECT, RESET, INTERFACE_INFO, EP_INFO = 0, 1, 3, 4, 5
SET_CONFIGURATION, GET_CONFIGURATION, CONFIGURATION_STATUS = 6, 7, 8
SET_ALT_SETTING, GET_ALT_SETTING, ALT_SETTING_STATUS = 9, 10, 11
CONTROL_PACKET, BULK_PACKET = 100, 101
STATUS_SUCCESS, STATUS_STALL = 0, 4
SPEEDS = {"low": 0, "full": 1, "high": 2, "super": 3}
# Capabilities (bit numbers) this fake announces.
CAP_CONNECT_DEVICE_VERSION, CAP_EP_INFO_MAX_PACKET_SIZE, CAP_64BIT_IDS, CAP_32BIT_BULK_LENGTH = 1, 4, 5, 6
OUR_CAPS = (1 << CAP_CONNECT_DEVICE_VERSION) | (1 << CAP_EP_INFO_MAX_PACKET_SIZE) | (1 << CAP_64BIT_IDS) | \
    (1 << CAP_32BIT_BULK_LENGTH)
VID, PID = 0x1D6B, 0x0BAD
MODES = ("all", "after-device", "set-config", "bulk")


def device_descriptor(speed):
    mps0 = 64 if speed in ("full", "high") else 8
    return struct.pack("<BBHBBBBHHHBBBB", 18, 1, 0x0200, 0, 0, 0, mps0, VID, PID, 0x0100, 0, 0, 0, 1)


def config_descriptor(speed):
    mps = 512 if speed == "high" else 64
    iface = struct.pack("<BBBBBBBBB", 9, 4, 0, 0, 2, 0x08, 0x06, 0x50, 0)
    ep_in = struct.pack("<BBBBHB", 7, 5, 0x81, 2, mps, 0)
    ep_out = struct.pack("<BBBBHB", 7, 5, 0x02, 2, mps, 0)
    body = iface + ep_in + ep_out
    return struct.pack("<BBHBBBBB", 9, 2, 9 + len(body), 1, 1, 0, 0x80, 50) + body


class UsbRedirFake:
    def __init__(self, path, mode="all", speed="high"):
        assert mode in MODES and speed in SPEEDS
        self.path, self.mode, self.speed = path, mode, speed
        self.requests = []
        self.set_configs = []
        self.bulk = 0  # bulk transfers asked for
        self.accepted = threading.Event()  # QEMU connected
        self.connected = threading.Event()  # device_connect sent
        self.error = None
        if os.path.exists(path):
            os.unlink(path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(1)
        self.sock = None
        self.ids64 = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def chardev_args(self, bus="usb0.0", chardev="ur"):
        return ["-chardev", "socket,id=%s,path=%s" % (chardev, self.path),
                "-device", "usb-redir,chardev=%s,bus=%s" % (chardev, bus)]

    def close(self):
        for s in (self.sock, self.listener):
            try:
                s and s.close()
            except OSError:
                pass

    # -- protocol ----------------------------------------------------------
    def _recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _read_packet(self, ids64):
        hdr = self._recv(16 if ids64 else 12)
        ptype, length = struct.unpack_from("<II", hdr)
        pid = struct.unpack_from("<Q" if ids64 else "<I", hdr, 8)[0]
        return ptype, pid, self._recv(length)

    def _send(self, ptype, body, pid=0):
        hdr = struct.pack("<II", ptype, len(body)) + struct.pack("<Q" if self.ids64 else "<I", pid)
        self.sock.sendall(hdr + body)

    def _run(self):
        try:
            self.sock, _ = self.listener.accept()
            self.accepted.set()
            # QEMU sends nothing while the VM is stopped (-S): its hello
            # comes once it runs.
            # Hellos go with 32-bit ids; QEMU's comes first.
            ptype, _, body = self._read_packet(False)
            assert ptype == HELLO, ptype
            caps = struct.unpack_from("<I", body, 64)[0] if len(body) >= 68 else 0
            self._send(HELLO, b"reef-usbredir-fake".ljust(64, b"\0") + struct.pack("<I", OUR_CAPS))
            self.ids64 = bool(caps & (1 << CAP_64BIT_IDS))
            mps_cap = bool(caps & (1 << CAP_EP_INFO_MAX_PACKET_SIZE))
            version_cap = bool(caps & (1 << CAP_CONNECT_DEVICE_VERSION))
            self._announce(mps_cap, version_cap)
            self.connected.set()
            while True:
                self._handle(*self._read_packet(self.ids64))
        except (EOFError, OSError):
            pass
        except Exception as e:  # reported by the test
            self.error = e

    def _announce(self, mps_cap, version_cap):
        def arr(vals, fmt="B"):
            vals = list(vals) + [0] * (32 - len(vals))
            return struct.pack("<32" + fmt, *vals)
        self._send(INTERFACE_INFO, struct.pack("<I", 1) + arr([0]) + arr([0x08]) + arr([0x06]) + arr([0x50]))
        # ep_info is indexed by (address & 0x0f) | (dir in ? 0x10 : 0).
        types = [255] * 32
        types[0] = types[0x10] = 0  # control
        types[0x02] = types[0x11] = 2  # bulk out 02h, bulk in 81h
        mps = [0] * 32
        mps[0] = mps[0x10] = 64
        mps[0x02] = mps[0x11] = 512 if self.speed == "high" else 64
        body = arr(types) + arr([0] * 32) + arr([0] * 32)
        if mps_cap:
            body += arr(mps, "H")
        self._send(EP_INFO, body)
        dev = struct.pack("<BBBBHH", SPEEDS[self.speed], 0, 0, 0, VID, PID)
        if version_cap:
            dev += struct.pack("<H", 0x0100)
        self._send(DEVICE_CONNECT, dev)

    def _control_answer(self, rtype, req, value, length):
        """(status, data) for a control request."""
        if self.mode == "all":
            return STATUS_STALL, b""
        if rtype == 0x80 and req == 6 and value >> 8 == 1:
            return STATUS_SUCCESS, device_descriptor(self.speed)[:length]
        if self.mode in ("set-config", "bulk") and rtype == 0x80 and req == 6 and value >> 8 == 2:
            return STATUS_SUCCESS, config_descriptor(self.speed)[:length]
        if self.mode == "bulk" and (rtype, req) in ((0x02, 1), (0x21, 0xFF)):
            return STATUS_SUCCESS, b""  # CLEAR_FEATURE(ENDPOINT_HALT), Bulk-Only Mass Storage Reset
        return STATUS_STALL, b""

    def _handle(self, ptype, pid, body):
        if ptype == CONTROL_PACKET:
            ep, req, rtype, _status, value, index, length = struct.unpack_from("<BBBBHHH", body)
            self.requests.append((rtype, req, value))
            status, data = self._control_answer(rtype, req, value, length)
            self._send(CONTROL_PACKET, struct.pack("<BBBBHHH", ep, req, rtype, status, value, index, len(data)) + data,
                       pid)
        elif ptype == SET_CONFIGURATION:
            self.set_configs.append(body[0])
            self.requests.append((0x00, 9, body[0]))
            ok = self.mode in ("after-device", "bulk")
            self._send(CONFIGURATION_STATUS, struct.pack("<BB", STATUS_SUCCESS if ok else STATUS_STALL, body[0]), pid)
        elif ptype == GET_CONFIGURATION:
            self._send(CONFIGURATION_STATUS, struct.pack("<BB", STATUS_STALL, 0), pid)
        elif ptype == SET_ALT_SETTING or ptype == GET_ALT_SETTING:
            self._send(ALT_SETTING_STATUS, struct.pack("<BBB", STATUS_STALL, body[0], 0), pid)
        elif ptype == BULK_PACKET:
            self.bulk += 1
            hdr = bytearray(body[:10] if len(body) >= 10 else body[:8])
            hdr[1] = STATUS_STALL
            hdr[2:4] = b"\0\0"
            if len(hdr) >= 10:
                hdr[8:10] = b"\0\0"
            self._send(BULK_PACKET, bytes(hdr), pid)
        # reset, interrupt/bulk receiving control, filters: nothing to answer
