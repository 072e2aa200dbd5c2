// SPDX-License-Identifier: LGPL-3.0-or-later
// One request on a virtqueue (32-bit runtime; hw/virtio.h): publish, notify,
// poll the used ring against a PIT timeout, read the ISR.
#include "hw/virtio.h"

#include "block/drive.h"
#include "hw/timer.h"

namespace reef {

u8 virtq_exec(VirtQueue& q, const VirtqBuf* bufs, u16 n, u32 timeout_us, u32* written) {
    using namespace virtio;
    void* ring = reinterpret_cast<void*>(uintptr_t(q.ring));
    *written = 0;
    if (!virtq_publish(ring, q.size, bufs, n)) return disk_status::kBadCommand;
    asm volatile("mfence" ::: "memory");
    if (q.modern)
        mmio_write<u16>(q.notify, q.index);
    else
        RegQueueNotify::write(q.iobase, q.index);
    // Devices often finish within the notify itself: the clock starts only
    // when they have not.
    if (!virtq_take_used(ring, q.size, &q.last_used, written)) {
        PitStopwatch sw;
        u32 limit = pit_ticks_from_us(timeout_us);
        while (!virtq_take_used(ring, q.size, &q.last_used, written)) {
            if (sw.poll() > limit) return disk_status::kTimeout;
            asm volatile("pause" ::: "memory");
        }
    }
    if (q.modern)
        mmio_read<u8>(q.isr);
    else
        RegIsr::read(q.iobase);
    asm volatile("" ::: "memory");
    return disk_status::kOk;
}

}  // namespace reef
