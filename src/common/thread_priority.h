// Scheduling priority of the server's own threads. On a small machine the database threads
// (among them the writer that every bulk import waits on) and the fan-out lanes compete for the
// cores with gRPC's polling threads, which are many and wake for every network event. At equal
// priority the scheduler preempts the writer whenever one of them wakes, and every batch waits
// for the writer. A few nice levels more let it keep a core while gRPC's threads share what is
// left (figures: docs/DESIGN.md, "Threading model").
//
// Linux keeps a nice value per thread, and a negative one needs CAP_SYS_NICE (or an RLIMIT_NICE
// that allows it): without it the threads keep the normal priority, and the first refusal is
// logged once.
#pragma once

namespace orderstream {

// The server's default: any boost of a few levels gave the same bulk figures (10 and 19 alike).
inline constexpr int kDefaultThreadPriorityBoost = 10;

// Gives the calling thread `boost` nice levels more than it has (so a lower nice value, never
// below -20). Returns true if the thread now runs at that priority, or if `boost` is 0 or less.
bool raise_this_thread_priority(int boost);

// The calling thread's nice value.
int this_thread_nice();

}  // namespace orderstream
