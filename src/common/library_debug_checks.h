// Debian builds gRPC and Abseil without NDEBUG, so their debug-only checks run in this server.
// Two of them cost time on every gRPC operation:
//  - Abseil's mutex deadlock detection: each lock of an absl::Mutex (gRPC's own locks) records
//    the lock order in one process-wide graph, under one global spinlock. It can be switched off,
//    as a release build of Abseil has it.
//  - gRPC's completion queue keeps every operation in flight in an array that it searches from
//    the start when the operation completes, so a completion costs time in proportion to the
//    open streams of the process (each open watch stream keeps two operations in flight). There
//    is no switch for it; docs/BENCHMARKS.md measures it.
#pragma once

namespace orderstream {

// Turns off the checks that can be turned off. Call at start-up, before other threads exist.
void relax_library_debug_checks();

}  // namespace orderstream
