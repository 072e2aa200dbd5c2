// SPDX-License-Identifier: LGPL-3.0-or-later
// E820Map: overlap resolution, removal, capacity, queries, and a randomized
// comparison against a per-page reference model.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "fw/e820.h"

using namespace reef;

namespace {

struct R {
    u64 base, size;
    u32 type;
    bool operator==(const R& o) const { return base == o.base && size == o.size && type == o.type; }
};

std::ostream& operator<<(std::ostream& os, const R& r) {
    return os << std::hex << "{0x" << r.base << ", 0x" << r.size << ", " << std::dec << r.type << "}";
}

std::vector<R> entries(const E820Map& m) {
    std::vector<R> v;
    for (int i = 0; i < m.count(); i++) v.push_back({m.at(i).base, m.at(i).size, m.at(i).type});
    return v;
}

// Sorted, non-empty, non-overlapping, typed, and no equal-type neighbours
// that touch (they must have been merged).
::testing::AssertionResult well_formed(const E820Map& m) {
    if (m.count() < 0 || m.count() > E820Map::kMaxEntries)
        return ::testing::AssertionFailure() << "count " << m.count();
    for (int i = 0; i < m.count(); i++) {
        const E820Entry& e = m.at(i);
        if (e.size == 0) return ::testing::AssertionFailure() << "entry " << i << " is empty";
        if (e.type == 0) return ::testing::AssertionFailure() << "entry " << i << " has type 0";
        if (e.base + e.size < e.base) return ::testing::AssertionFailure() << "entry " << i << " wraps";
        if (i > 0) {
            const E820Entry& p = m.at(i - 1);
            if (p.end() > e.base)
                return ::testing::AssertionFailure() << "entries " << i - 1 << " and " << i << " overlap/unsorted";
            if (p.end() == e.base && p.type == e.type)
                return ::testing::AssertionFailure() << "entries " << i - 1 << " and " << i << " not merged";
        }
    }
    return ::testing::AssertionSuccess();
}

// A map built from a list, asserting each add succeeds.
E820Map make(std::initializer_list<R> rs) {
    E820Map m;
    for (const R& r : rs) EXPECT_TRUE(m.add(r.base, r.size, r.type)) << r;
    return m;
}

// `n` entries of alternating types with gaps between them, 0x1000 apart.
E820Map fill(int n) {
    E820Map m;
    for (int i = 0; i < n; i++) EXPECT_TRUE(m.add(u64(i) * 0x2000, 0x1000, i % 2 ? kE820Reserved : kE820Ram));
    EXPECT_EQ(m.count(), n);
    return m;
}

}  // namespace

// ---- add --------------------------------------------------------------------

TEST(E820Add, EmptyMap) {
    E820Map m;
    EXPECT_EQ(m.count(), 0);
    EXPECT_EQ(m.type_at(0), 0u);
    EXPECT_EQ(m.total(kE820Ram), 0u);
    EXPECT_EQ(m.ram_top_below(~u64(0)), 0u);
}

TEST(E820Add, SingleEntry) {
    E820Map m;
    EXPECT_TRUE(m.add(0x100000, 0x7F00000, kE820Ram));
    EXPECT_EQ(entries(m), (std::vector<R>{{0x100000, 0x7F00000, kE820Ram}}));
}

TEST(E820Add, RejectsEmptyWrappingAndUntypedRanges) {
    E820Map m = make({{0x1000, 0x1000, kE820Ram}});
    auto before = entries(m);
    EXPECT_FALSE(m.add(0x5000, 0, kE820Ram));
    EXPECT_FALSE(m.add(~u64(0) - 0xFFF, 0x2000, kE820Ram));      // wraps past 2^64
    EXPECT_FALSE(m.add(~u64(0) - 0xFFF, 0x1000, kE820Ram));      // ends exactly at 2^64
    EXPECT_FALSE(m.add(1, ~u64(0), kE820Reserved));               // wraps
    EXPECT_FALSE(m.add(0x1000, 0x1000, 0));                       // type 0 is "no entry"
    EXPECT_EQ(entries(m), before);
    // The highest representable range is fine.
    EXPECT_TRUE(m.add(~u64(0) - 0x1000, 0x1000, kE820Reserved));
    EXPECT_EQ(m.count(), 2);
    EXPECT_EQ(m.type_at(~u64(0) - 1), u32(kE820Reserved));
    EXPECT_EQ(m.type_at(~u64(0)), 0u);
}

TEST(E820Add, KeepsEntriesSorted) {
    E820Map m = make({{0x300000, 0x1000, kE820Ram}, {0x100000, 0x1000, kE820Reserved},
                      {0x200000, 0x1000, kE820Acpi}, {0, 0x1000, kE820Nvs}});
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x1000, kE820Nvs},
                                          {0x100000, 0x1000, kE820Reserved},
                                          {0x200000, 0x1000, kE820Acpi},
                                          {0x300000, 0x1000, kE820Ram}}));
    EXPECT_TRUE(well_formed(m));
}

TEST(E820Add, MergesTouchingNeighboursOfEqualType) {
    E820Map m = make({{0x0, 0x1000, kE820Ram}, {0x1000, 0x1000, kE820Ram}});
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x2000, kE820Ram}}));
    // Below as well as above.
    EXPECT_TRUE(m.add(0x3000, 0x1000, kE820Ram));
    EXPECT_EQ(m.count(), 2);
    // Filling the gap joins all three into one.
    EXPECT_TRUE(m.add(0x2000, 0x1000, kE820Ram));
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x4000, kE820Ram}}));
}

TEST(E820Add, DoesNotMergeDifferentTypesOrGaps) {
    E820Map m = make({{0x0, 0x1000, kE820Ram}, {0x1000, 0x1000, kE820Reserved}, {0x3000, 0x1000, kE820Reserved}});
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x1000, kE820Ram},
                                          {0x1000, 0x1000, kE820Reserved},
                                          {0x3000, 0x1000, kE820Reserved}}));
}

TEST(E820Add, NewRangeSplitsAnOlderOne) {
    E820Map m = make({{0, 0xA0000, kE820Ram}});
    EXPECT_TRUE(m.add(0x9F000, 0x800, kE820Reserved));
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x9F000, kE820Ram},
                                          {0x9F000, 0x800, kE820Reserved},
                                          {0x9F800, 0x800, kE820Ram}}));
}

TEST(E820Add, NewRangeTrimsBothNeighbours) {
    E820Map m = make({{0x0, 0x4000, kE820Ram}, {0x4000, 0x4000, kE820Acpi}});
    EXPECT_TRUE(m.add(0x3000, 0x2000, kE820Reserved));
    EXPECT_EQ(entries(m), (std::vector<R>{{0x0, 0x3000, kE820Ram},
                                          {0x3000, 0x2000, kE820Reserved},
                                          {0x5000, 0x3000, kE820Acpi}}));
}

TEST(E820Add, NewRangeSwallowsCoveredEntries) {
    E820Map m = make({{0x1000, 0x1000, kE820Ram}, {0x3000, 0x1000, kE820Acpi}, {0x5000, 0x1000, kE820Nvs},
                      {0x8000, 0x1000, kE820Ram}});
    EXPECT_TRUE(m.add(0x1000, 0x5000, kE820Reserved));
    EXPECT_EQ(entries(m), (std::vector<R>{{0x1000, 0x5000, kE820Reserved}, {0x8000, 0x1000, kE820Ram}}));
}

TEST(E820Add, ExactReplacementChangesTheType) {
    E820Map m = make({{0x0, 0x1000, kE820Ram}, {0x1000, 0x1000, kE820Reserved}, {0x2000, 0x1000, kE820Ram}});
    EXPECT_TRUE(m.add(0x1000, 0x1000, kE820Ram));  // and then everything merges
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x3000, kE820Ram}}));
}

TEST(E820Add, SameTypeInsideIsANoOp) {
    E820Map m = make({{0x0, 0x10000, kE820Ram}});
    EXPECT_TRUE(m.add(0x4000, 0x1000, kE820Ram));
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x10000, kE820Ram}}));
}

TEST(E820Add, OverlapThatMergesAfterTrimming) {
    // New RAM overlapping reserved, touching RAM on the left: trims and merges.
    E820Map m = make({{0x0, 0x2000, kE820Ram}, {0x2000, 0x2000, kE820Reserved}});
    EXPECT_TRUE(m.add(0x1000, 0x2000, kE820Ram));
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x3000, kE820Ram}, {0x3000, 0x1000, kE820Reserved}}));
}

TEST(E820Add, TypicalPcMap) {
    E820Map m;
    EXPECT_TRUE(m.add(0, 640 * KiB, kE820Ram));
    EXPECT_TRUE(m.add(0x9FC00, 0x400, kE820Reserved));  // EBDA carved out of low RAM
    EXPECT_TRUE(m.add(0xF0000, 0x10000, kE820Reserved));
    EXPECT_TRUE(m.add(1 * MiB, 2 * GiB - 1 * MiB, kE820Ram));
    EXPECT_TRUE(m.add(2 * GiB - 128 * KiB, 128 * KiB, kE820Acpi));
    EXPECT_TRUE(m.add(0xFEFFC000, 0x4000, kE820Reserved));
    EXPECT_TRUE(m.add(4 * GiB, 4 * GiB, kE820Ram));
    EXPECT_TRUE(well_formed(m));
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x9FC00, kE820Ram},
                                          {0x9FC00, 0x400, kE820Reserved},
                                          {0xF0000, 0x10000, kE820Reserved},
                                          {0x100000, 2 * GiB - 1 * MiB - 128 * KiB, kE820Ram},
                                          {2 * GiB - 128 * KiB, 128 * KiB, kE820Acpi},
                                          {0xFEFFC000, 0x4000, kE820Reserved},
                                          {4 * GiB, 4 * GiB, kE820Ram}}));
}

// ---- remove -----------------------------------------------------------------

TEST(E820Remove, PunchesAHoleInTheMiddle) {
    E820Map m = make({{0, 0x10000, kE820Ram}});
    EXPECT_TRUE(m.remove(0x4000, 0x2000));
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x4000, kE820Ram}, {0x6000, 0xA000, kE820Ram}}));
    EXPECT_EQ(m.type_at(0x4000), 0u);
    EXPECT_EQ(m.type_at(0x5FFF), 0u);
    EXPECT_EQ(m.type_at(0x6000), u32(kE820Ram));
}

TEST(E820Remove, TrimsHeadAndTail) {
    E820Map m = make({{0x1000, 0x3000, kE820Ram}, {0x5000, 0x3000, kE820Acpi}});
    EXPECT_TRUE(m.remove(0x3000, 0x3000));
    EXPECT_EQ(entries(m), (std::vector<R>{{0x1000, 0x2000, kE820Ram}, {0x6000, 0x2000, kE820Acpi}}));
    EXPECT_TRUE(m.remove(0x0, 0x2000));
    EXPECT_TRUE(m.remove(0x7000, 0x100000));
    EXPECT_EQ(entries(m), (std::vector<R>{{0x2000, 0x1000, kE820Ram}, {0x6000, 0x1000, kE820Acpi}}));
}

TEST(E820Remove, WholeEntriesAndSpans) {
    E820Map m = make({{0x0, 0x1000, kE820Ram}, {0x1000, 0x1000, kE820Reserved}, {0x2000, 0x1000, kE820Acpi},
                      {0x3000, 0x1000, kE820Nvs}});
    EXPECT_TRUE(m.remove(0x1000, 0x1000));
    EXPECT_EQ(m.count(), 3);
    EXPECT_TRUE(m.remove(0x800, 0x3000));
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x800, kE820Ram}, {0x3800, 0x800, kE820Nvs}}));
    EXPECT_TRUE(m.remove(0, ~u64(0)));
    EXPECT_EQ(m.count(), 0);
}

TEST(E820Remove, NothingThereIsANoOp) {
    E820Map m = make({{0x1000, 0x1000, kE820Ram}});
    EXPECT_TRUE(m.remove(0x3000, 0x1000));
    EXPECT_TRUE(m.remove(0x0, 0x1000));  // touches, does not overlap
    EXPECT_TRUE(m.remove(0x2000, 0x1000));
    EXPECT_EQ(entries(m), (std::vector<R>{{0x1000, 0x1000, kE820Ram}}));
}

TEST(E820Remove, RejectsEmptyAndWrappingRanges) {
    E820Map m = make({{0x1000, 0x1000, kE820Ram}});
    EXPECT_FALSE(m.remove(0x1000, 0));
    EXPECT_FALSE(m.remove(0x1800, ~u64(0)));
    EXPECT_EQ(entries(m), (std::vector<R>{{0x1000, 0x1000, kE820Ram}}));
}

TEST(E820Remove, HoleThenReAddMergesBack) {
    E820Map m = make({{0, 0x10000, kE820Ram}});
    EXPECT_TRUE(m.remove(0x4000, 0x1000));
    EXPECT_TRUE(m.add(0x4000, 0x1000, kE820Ram));
    EXPECT_EQ(entries(m), (std::vector<R>{{0, 0x10000, kE820Ram}}));
}

// ---- capacity -----------------------------------------------------------------

TEST(E820Capacity, FillsToExactlyMaxEntries) {
    E820Map m = fill(E820Map::kMaxEntries);
    EXPECT_TRUE(well_formed(m));
}

TEST(E820Capacity, FullMapRejectsANewDisjointEntryUnchanged) {
    E820Map m = fill(E820Map::kMaxEntries);
    auto before = entries(m);
    EXPECT_FALSE(m.add(0x100000, 0x1000, kE820Acpi));
    EXPECT_EQ(entries(m), before);
}

TEST(E820Capacity, FullMapRejectsASplitUnchanged) {
    E820Map m = fill(E820Map::kMaxEntries);
    auto before = entries(m);
    EXPECT_FALSE(m.add(0x2400, 0x100, kE820Acpi));  // inside entry 1
    EXPECT_EQ(entries(m), before);
    EXPECT_FALSE(m.remove(0x2400, 0x100));          // a hole splits too
    EXPECT_EQ(entries(m), before);
}

TEST(E820Capacity, OneFreeSlotAllowsAnInsertButNotASplit) {
    E820Map m = fill(E820Map::kMaxEntries - 1);
    auto before = entries(m);
    // A split needs two slots (the tail and the new entry).
    EXPECT_FALSE(m.add(0x2400, 0x100, kE820Acpi));
    EXPECT_EQ(entries(m), before);
    // A hole needs one.
    E820Map h = m;
    EXPECT_TRUE(h.remove(0x2400, 0x100));
    EXPECT_EQ(h.count(), E820Map::kMaxEntries);
    EXPECT_TRUE(well_formed(h));
    // A disjoint entry needs one.
    EXPECT_TRUE(m.add(0x100000, 0x1000, kE820Acpi));
    EXPECT_EQ(m.count(), E820Map::kMaxEntries);
    EXPECT_TRUE(well_formed(m));
    // Trimming (no new entry) still works when full.
    EXPECT_TRUE(m.remove(0x0, 0x800));
    EXPECT_EQ(m.at(0).base, 0x800u);
    EXPECT_EQ(m.count(), E820Map::kMaxEntries);
    // Removing whole entries frees slots.
    EXPECT_TRUE(m.remove(0x0, 0x4000));
    EXPECT_EQ(m.count(), E820Map::kMaxEntries - 2);
    EXPECT_TRUE(m.add(0x2400, 0x100, kE820Acpi));
    EXPECT_TRUE(well_formed(m));
}

TEST(E820Capacity, FullMapEitherSucceedsCorrectlyOrStaysUnchanged) {
    // Operations whose result would fit (replacing or extending an entry):
    // refusing them is allowed when full, corrupting the map is not.
    struct Op {
        u64 base, size;
        u32 type;
    } ops[] = {
        {0x2000, 0x1000, kE820Acpi},     // exact replacement
        {0x1000, 0x1000, kE820Ram},      // fills a gap, merges three entries
        {0x0, 0x4000, kE820Reserved},    // swallows two entries
        {0x2000, 0x800, kE820Ram},       // trims the head of one entry
    };
    for (const Op& op : ops) {
        E820Map m = fill(E820Map::kMaxEntries);
        auto before = entries(m);
        if (m.add(op.base, op.size, op.type)) {
            EXPECT_TRUE(well_formed(m));
            EXPECT_EQ(m.type_at(op.base), op.type);
            EXPECT_EQ(m.type_at(op.base + op.size - 1), op.type);
        } else {
            EXPECT_EQ(entries(m), before);
        }
    }
}

// ---- queries ----------------------------------------------------------------

TEST(E820Query, TypeAtBoundaries) {
    E820Map m = make({{0x1000, 0x1000, kE820Ram}, {0x2000, 0x1000, kE820Reserved}});
    EXPECT_EQ(m.type_at(0xFFF), 0u);
    EXPECT_EQ(m.type_at(0x1000), u32(kE820Ram));
    EXPECT_EQ(m.type_at(0x1FFF), u32(kE820Ram));
    EXPECT_EQ(m.type_at(0x2000), u32(kE820Reserved));
    EXPECT_EQ(m.type_at(0x2FFF), u32(kE820Reserved));
    EXPECT_EQ(m.type_at(0x3000), 0u);
}

TEST(E820Query, TotalByTypeAndClip) {
    E820Map m = make({{0, 0x9FC00, kE820Ram}, {0x9FC00, 0x400, kE820Reserved}, {1 * MiB, 3 * GiB - 1 * MiB, kE820Ram},
                      {4 * GiB, 2 * GiB, kE820Ram}});
    EXPECT_EQ(m.total(kE820Ram), 0x9FC00 + 3 * GiB - 1 * MiB + 2 * GiB);
    EXPECT_EQ(m.total(kE820Reserved), 0x400u);
    EXPECT_EQ(m.total(kE820Acpi), 0u);
    EXPECT_EQ(m.total(kE820Ram, 0, 1 * MiB), 0x9FC00u);
    EXPECT_EQ(m.total(kE820Ram, 1 * MiB, 4 * GiB), 3 * GiB - 1 * MiB);
    EXPECT_EQ(m.total(kE820Ram, 4 * GiB), 2 * GiB);
    EXPECT_EQ(m.total(kE820Ram, 0x1000, 0x2000), 0x1000u);       // inside one entry
    EXPECT_EQ(m.total(kE820Ram, 0x9F000, 0x100800), 0xC00u + 0x800);  // spans a non-RAM gap
    EXPECT_EQ(m.total(kE820Ram, 0x2000, 0x1000), 0u);             // inverted
}

TEST(E820Query, RamTopBelow) {
    E820Map m = make({{0, 0x9FC00, kE820Ram}, {0x9FC00, 0x400, kE820Reserved}, {1 * MiB, 0x7FF00000, kE820Ram},
                      {0x80000000, 0x1000, kE820Acpi}, {0xFEC00000, 0x1000, kE820Reserved}, {4 * GiB, 1 * GiB, kE820Ram}});
    EXPECT_EQ(m.ram_top_below(4 * GiB), 0x80000000u);        // ACPI/reserved above do not count
    EXPECT_EQ(m.ram_top_below(0x40000000), 0x40000000u);     // limit inside a RAM entry
    EXPECT_EQ(m.ram_top_below(0xA0000), 0x9FC00u);           // limit in a gap
    EXPECT_EQ(m.ram_top_below(0x100000), 0x9FC00u);          // limit at the start of an entry
    EXPECT_EQ(m.ram_top_below(~u64(0)), 5 * GiB);
    EXPECT_EQ(m.ram_top_below(0), 0u);
    E820Map none = make({{0, 0x1000, kE820Reserved}});
    EXPECT_EQ(none.ram_top_below(~u64(0)), 0u);
}

TEST(E820Query, TypeNames) {
    EXPECT_STREQ(e820_type_name(kE820Ram), "RAM");
    EXPECT_STREQ(e820_type_name(kE820Reserved), "reserved");
    EXPECT_STREQ(e820_type_name(kE820Acpi), "ACPI");
    EXPECT_STREQ(e820_type_name(kE820Nvs), "NVS");
    EXPECT_STREQ(e820_type_name(kE820Unusable), "unusable");
    EXPECT_STREQ(e820_type_name(0), "unknown");
    EXPECT_STREQ(e820_type_name(99), "unknown");
}

TEST(E820Query, ClearEmpties) {
    E820Map m = fill(10);
    m.clear();
    EXPECT_EQ(m.count(), 0);
    EXPECT_TRUE(m.add(0, 0x1000, kE820Ram));
    EXPECT_EQ(m.count(), 1);
}

// ---- randomized comparison with a reference model -------------------------

namespace {

// The address space under test: kPages pages of kPage bytes starting just
// below 4 GiB, so ranges cross the 32-bit boundary.
constexpr u64 kPage = 0x1000;
constexpr int kPages = 128;
constexpr u64 kOrigin = 4 * GiB - 40 * kPage;

struct Model {
    u32 page[kPages] = {};

    std::vector<R> runs() const {
        std::vector<R> v;
        for (int i = 0; i < kPages;) {
            if (!page[i]) {
                i++;
                continue;
            }
            int j = i;
            while (j < kPages && page[j] == page[i]) j++;
            v.push_back({kOrigin + u64(i) * kPage, u64(j - i) * kPage, page[i]});
            i = j;
        }
        return v;
    }
};

struct Refusals {
    int add = 0, remove = 0;
};

// `fragment` biases towards short ranges so the map runs into its capacity.
void run_random(unsigned seed, int steps, bool fragment, Refusals& refused) {
    std::mt19937 rng(seed);
    E820Map m;
    Model model;
    int ok_ops = 0;
    for (int step = 0; step < steps; step++) {
        SCOPED_TRACE(::testing::Message() << "seed " << seed << " step " << step);
        int first = int(rng() % kPages);
        int len = fragment ? int(1 + rng() % 2)
                           : int(rng() % 100 < 80 ? 1 + rng() % 6 : 1 + rng() % (kPages - first));
        if (first + len > kPages) len = kPages - first;
        u64 base = kOrigin + u64(first) * kPage, size = u64(len) * kPage;
        auto before = entries(m);
        int op = int(rng() % 100);
        if (op < 3) {
            // Invalid requests never change anything.
            EXPECT_FALSE(m.add(base, 0, kE820Ram));
            EXPECT_FALSE(m.add(base, size, 0));
            EXPECT_FALSE(m.remove(base, 0));
            EXPECT_EQ(entries(m), before);
            continue;
        }
        Model next = model;
        bool is_add = op < (fragment ? 80 : 70);
        u32 type = 1 + rng() % 4;
        for (int i = first; i < first + len; i++) next.page[i] = is_add ? type : 0;
        auto want = next.runs();
        bool ok = is_add ? m.add(base, size, type) : m.remove(base, size);
        if (ok) {
            ok_ops++;
            model = next;
        } else {
            // Refusal is only allowed near capacity, and must leave the map alone.
            (is_add ? refused.add : refused.remove)++;
            EXPECT_GE(m.count(), is_add ? E820Map::kMaxEntries - 1 : E820Map::kMaxEntries);
            EXPECT_EQ(entries(m), before);
        }
        // A result that cannot fit must have been refused.
        if (int(want.size()) > E820Map::kMaxEntries) {
            EXPECT_FALSE(ok);
        }
        ASSERT_TRUE(well_formed(m));
        ASSERT_EQ(entries(m), model.runs());
        // Spot-check the queries against the model.
        u64 addr = kOrigin + u64(rng() % kPages) * kPage + rng() % kPage;
        EXPECT_EQ(m.type_at(addr), model.page[(addr - kOrigin) / kPage]);
        u64 ram = 0, top = 0, limit = kOrigin + u64(rng() % (kPages + 1)) * kPage;
        for (int i = 0; i < kPages; i++) {
            if (model.page[i] != kE820Ram) continue;
            ram += kPage;
            u64 end = kOrigin + u64(i + 1) * kPage;
            if (end - kPage < limit) top = std::max(top, std::min(end, limit));
        }
        EXPECT_EQ(m.total(kE820Ram), ram);
        EXPECT_EQ(m.ram_top_below(limit), top);
    }
    // The run must actually have exercised both paths.
    EXPECT_GT(ok_ops, steps / (fragment ? 5 : 2));
}

}  // namespace

TEST(E820Random, MatchesPerPageModel) {
    Refusals r;
    for (unsigned seed = 1; seed <= 8; seed++) run_random(seed, 1500, false, r);
}

TEST(E820Random, MatchesPerPageModelNearCapacity) {
    Refusals total;
    for (unsigned seed = 100; seed < 108; seed++) run_random(seed, 1500, true, total);
    // The capacity paths must actually have been exercised.
    EXPECT_GT(total.add, 0);
    EXPECT_GT(total.remove, 0);
}

TEST(E820Random, ReachesCapacity) {
    // With many short ranges of random types the map fills up: check that
    // refusals happen at all, so the capacity path above is not dead.
    std::mt19937 rng(12345);
    E820Map m;
    bool refused = false;
    for (int i = 0; i < 2000 && !refused; i++) {
        u64 page = rng() % 200;
        refused = !m.add(page * kPage, kPage, 1 + rng() % 4);
        ASSERT_TRUE(well_formed(m));
    }
    EXPECT_TRUE(refused);
    EXPECT_GE(m.count(), E820Map::kMaxEntries - 1);
}
