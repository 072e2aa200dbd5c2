// SPDX-License-Identifier: LGPL-3.0-or-later
// The 53C895A command program (hw/lsi_scripts.h), run on a small SCRIPTS
// interpreter standing in for the chip and a target that answers phases
// the way QEMU's model does (disconnect after the command, reselect, data,
// status, COMMAND COMPLETE).
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

#include "hw/lsi_scripts.h"

using namespace reef;
using namespace reef::lsi;

namespace {

constexpr u32 kAt = 0x10000, kIdent = 0x20000, kCdb = 0x20010, kStatus = 0x20020, kMsgIn = 0x20021, kData = 0x30000;

// A target: the phases it goes through and the bytes it sends.
struct Target {
    bool present = true;
    bool disconnects = true;
    u32 data_len = 0;   // bytes it moves in the data phase
    u8 status = 0;
};

struct Result {
    bool selected_timeout = false;
    u32 int_code = 0;
    std::vector<u8> got_ident, got_cdb;
    u32 data_moved = 0;
    u8 status = 0xFF;
    int steps = 0;
};

// Interprets only what lsi_build_script emits; anything else fails the test.
Result run(const u32* script, const LsiCommand& c, const Target& t) {
    Result r;
    std::map<u32, u8> mem;
    u32 dsp = kAt;
    int phase = -1;  // bus free
    std::vector<u8> msgs;
    enum { kSelMsgOut, kCmd, kDiscMsg, kReselMsg, kDataPh, kStat, kDone } st = kSelMsgOut;
    u8 sfbr = 0;
    auto word = [&](u32 a) { return script[(a - kAt) / 4]; };
    for (r.steps = 0; r.steps < 200; r.steps++) {
        u32 insn = word(dsp), arg = word(dsp + 4);
        dsp += 8;
        u32 kind = insn >> 30;
        if (kind == 0) {  // block move
            u32 ph = (insn >> kPhaseShift) & 7, n = insn & kMaxMoveBytes;
            EXPECT_EQ(insn & kBlockMove, kBlockMove);
            if (int(ph) != phase) {
                ADD_FAILURE() << "phase mismatch at " << std::hex << dsp - 8;
                return r;
            }
            if (ph == kPhaseMsgOut) {
                r.got_ident.assign(1, u8(arg == c.identify));
                phase = kPhaseCommand;
            } else if (ph == kPhaseCommand) {
                r.got_cdb.assign(n, 0);
                EXPECT_EQ(arg, c.cdb);
                if (t.disconnects) {
                    msgs = {0x02, kMsgDisconnect};
                    phase = kPhaseMsgIn;
                    st = kDiscMsg;
                } else {
                    phase = t.data_len ? int(c.write ? kPhaseDataOut : kPhaseDataIn) : int(kPhaseStatus);
                    st = t.data_len ? kDataPh : kStat;
                }
            } else if (ph == kPhaseDataIn || ph == kPhaseDataOut) {
                EXPECT_EQ(arg, c.data);
                r.data_moved += n < t.data_len ? n : t.data_len;
                phase = kPhaseStatus;
                st = kStat;
            } else if (ph == kPhaseStatus) {
                EXPECT_EQ(arg, c.status);
                r.status = t.status;
                msgs = {kMsgCommandComplete};
                phase = kPhaseMsgIn;
                st = kDone;
            } else if (ph == kPhaseMsgIn) {
                EXPECT_EQ(arg, c.msgin);
                sfbr = msgs.front();
                msgs.erase(msgs.begin());
                if (msgs.empty()) {
                    if (st == kDiscMsg || st == kDone) phase = -1;  // disconnected
                    else if (st == kReselMsg) phase = t.data_len ? int(c.write ? kPhaseDataOut : kPhaseDataIn) : int(kPhaseStatus);
                }
            }
        } else if (kind == 1) {  // I/O
            u32 op = insn & 0xF8000000;
            if (op == kIoSelect) {
                EXPECT_TRUE(insn & kIoSelAtn);
                EXPECT_EQ((insn >> kIoTargetShift) & 0xF, c.target);
                if (!t.present) {
                    r.selected_timeout = true;
                    return r;
                }
                phase = kPhaseMsgOut;
            } else if (op == kIoWaitDisconnect) {
                EXPECT_EQ(phase, -1);
            } else if (op == kIoWaitReselect) {
                EXPECT_EQ(phase, -1);
                msgs = {kMsgIdentify};
                phase = kPhaseMsgIn;
                st = kReselMsg;
            } else if (op == kIoClear) {
                EXPECT_EQ(insn & kIoAck, kIoAck);
            } else {
                ADD_FAILURE() << "unexpected I/O instruction " << std::hex << insn;
                return r;
            }
        } else if (kind == 2) {  // transfer control
            bool cond = true;
            if (insn & kTcCmpPhase) cond = cond && int((insn >> kPhaseShift) & 7) == phase;
            if (insn & kTcCmpData) cond = cond && sfbr == (insn & 0xFF);
            EXPECT_TRUE(insn & kTcIfTrue);
            if (!cond) continue;
            if ((insn & 0xF8000000) == kTcInt) {
                r.int_code = arg;
                return r;
            }
            EXPECT_EQ(insn & 0xF8000000, kTcJump);
            dsp = arg;
        } else {
            ADD_FAILURE() << "memory move emitted";
            return r;
        }
    }
    ADD_FAILURE() << "program did not end";
    return r;
}

LsiCommand read_cmd(u32 len) { return LsiCommand{3, kIdent, kCdb, 10, kData, len, false, kStatus, kMsgIn}; }

TEST(LsiScripts, FitsAndResumesAtTheDispatch) {
    u32 script[kLsiScriptWords];
    std::memset(script, 0, sizeof(script));
    u32 resume = lsi_build_script(script, kAt, read_cmd(4096));
    EXPECT_EQ(resume, kAt + 3 * 8);  // after select, message out, command
    EXPECT_EQ(script[kLsiScriptWords - 1], 0u) << "uses every word: grow kLsiScriptWords";
}

TEST(LsiScripts, ReadWithDisconnectAndReselect) {
    u32 script[kLsiScriptWords] = {};
    LsiCommand c = read_cmd(4096);
    lsi_build_script(script, kAt, c);
    Target t;
    t.data_len = 4096;
    Result r = run(script, c, t);
    EXPECT_EQ(r.int_code, kIntDone);
    EXPECT_EQ(r.data_moved, 4096u);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.got_cdb.size(), 10u);
}

TEST(LsiScripts, NoDataCommandWithoutDisconnect) {
    u32 script[kLsiScriptWords] = {};
    LsiCommand c = read_cmd(0);
    c.cdb_len = 6;
    lsi_build_script(script, kAt, c);
    Target t;
    t.disconnects = false;
    t.status = 2;  // CHECK CONDITION
    Result r = run(script, c, t);
    EXPECT_EQ(r.int_code, kIntDone);
    EXPECT_EQ(r.data_moved, 0u);
    EXPECT_EQ(r.status, 2);
}

TEST(LsiScripts, WriteGoesOutInDataOut) {
    u32 script[kLsiScriptWords] = {};
    LsiCommand c = read_cmd(512);
    c.write = true;
    lsi_build_script(script, kAt, c);
    Target t;
    t.data_len = 512;
    Result r = run(script, c, t);
    EXPECT_EQ(r.int_code, kIntDone);
    EXPECT_EQ(r.data_moved, 512u);
}

TEST(LsiScripts, AbsentTargetStopsAtSelection) {
    u32 script[kLsiScriptWords] = {};
    LsiCommand c = read_cmd(36);
    lsi_build_script(script, kAt, c);
    Target t;
    t.present = false;
    EXPECT_TRUE(run(script, c, t).selected_timeout);
}

TEST(LsiScripts, UnexpectedDataPhaseEndsWithBadPhase) {
    u32 script[kLsiScriptWords] = {};
    LsiCommand c = read_cmd(0);  // no data expected, but the target sends some
    lsi_build_script(script, kAt, c);
    Target t;
    t.disconnects = false;
    t.data_len = 8;
    EXPECT_EQ(run(script, c, t).int_code, kIntBadPhase);
}

}  // namespace
