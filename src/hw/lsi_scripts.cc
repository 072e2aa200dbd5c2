// SPDX-License-Identifier: LGPL-3.0-or-later
// The 53C895A command program (hw/lsi_scripts.h).
#include "hw/lsi_scripts.h"

namespace reef {
namespace {

using namespace lsi;

// An assembler of two-dword instructions with forward labels: a jump to a
// label not yet placed is patched when the label is.
class Asm {
public:
    static constexpr int kMaxFixups = 16;
    Asm(u32* out, u32 at) : out_(out), at_(at) {}
    void emit(u32 insn, u32 arg) {
        out_[n_++] = insn;
        out_[n_++] = arg;
    }
    // A jump/INT to `label` (index into labels_).
    void emit_to(u32 insn, int label) {
        if (labels_[label]) {
            emit(insn, labels_[label]);
            return;
        }
        fix_[nfix_].word = n_ + 1;
        fix_[nfix_].label = label;
        nfix_++;
        emit(insn, 0);
    }
    void place(int label) {
        labels_[label] = here();
        for (int i = 0; i < nfix_; i++)
            if (fix_[i].label == label) out_[fix_[i].word] = labels_[label];
    }
    u32 here() const { return at_ + 4 * n_; }
    u32 words() const { return n_; }
    u32 label(int l) const { return labels_[l]; }

private:
    struct Fixup {
        u32 word;
        int label;
    };
    u32* out_;
    u32 at_;
    u32 n_ = 0;
    u32 labels_[8] = {};
    Fixup fix_[kMaxFixups] = {};
    int nfix_ = 0;
};

enum Label { kPhaseDispatch, kData, kStatus, kMsgIn, kDisconnected, kComplete, kFail };

constexpr u32 when(u32 phase) { return kTcJump | kTcIfTrue | kTcCmpPhase | kTcWaitValid | (phase << kPhaseShift); }
constexpr u32 if_data(u8 v) { return kTcJump | kTcIfTrue | kTcCmpData | v; }  // mask 00: all bits compared
constexpr u32 move(u32 phase, u32 n) { return kBlockMove | (phase << kPhaseShift) | n; }
constexpr u32 kAlways = kTcJump | kTcIfTrue;
constexpr u32 kIntAlways = kTcInt | kTcIfTrue;

}  // namespace

u32 lsi_build_script(u32* script, u32 at, const LsiCommand& c) {
    Asm a(script, at);
    u32 data_phase = c.write ? kPhaseDataOut : kPhaseDataIn;
    // Selection; the alternate address is taken if the chip is reselected
    // first (nothing else is outstanding: it should not happen).
    a.emit_to(kIoSelect | kIoSelAtn | u32(c.target & 0xF) << kIoTargetShift, kFail);
    a.emit(move(kPhaseMsgOut, 1), c.identify);
    a.emit(move(kPhaseCommand, c.cdb_len), c.cdb);
    a.place(kPhaseDispatch);
    a.emit_to(when(kPhaseMsgIn), kMsgIn);
    a.emit_to(when(kPhaseStatus), kStatus);
    if (c.len) a.emit_to(when(data_phase), kData);
    a.emit(kIntAlways, kIntBadPhase);
    a.place(kData);
    if (c.len) {
        a.emit(move(data_phase, c.len & kMaxMoveBytes), c.data);
        a.emit_to(kAlways, kPhaseDispatch);
    }
    a.place(kStatus);
    a.emit(move(kPhaseStatus, 1), c.status);
    a.emit_to(kAlways, kPhaseDispatch);
    a.place(kMsgIn);
    a.emit(move(kPhaseMsgIn, 1), c.msgin);
    a.emit_to(if_data(kMsgCommandComplete), kComplete);
    a.emit_to(if_data(kMsgDisconnect), kDisconnected);
    a.emit(kIoClear | kIoAck, 0);  // anything else (SAVE DATA POINTER, IDENTIFY): taken
    a.emit_to(kAlways, kPhaseDispatch);
    a.place(kDisconnected);
    a.emit(kIoClear | kIoAck, 0);
    a.emit(kIoWaitDisconnect, 0);
    a.emit_to(kIoWaitReselect, kFail);  // the alternate address: SIGP set by the host
    a.emit_to(kAlways, kPhaseDispatch);  // reselected: IDENTIFY in message in
    a.place(kComplete);
    a.emit(kIoClear | kIoAck, 0);
    a.emit(kIoWaitDisconnect, 0);
    a.emit(kIntAlways, kIntDone);
    a.place(kFail);
    a.emit(kIntAlways, kIntReselected);
    return a.label(kPhaseDispatch);
}

}  // namespace reef
