// The number of glibc malloc arenas. glibc gives a thread that meets contention an arena of its
// own, up to eight per core, and memory freed into one arena serves only that arena's later
// allocations. The server allocates a bulk batch on gRPC's threads and frees it, and its outcomes,
// on whichever executor thread committed it, so with many arenas every one of them ends up
// holding a batch's worth of free memory: a 1,000,000-order import grew the server's peak RSS by
// 202 MiB with the default and by 142-149 MiB with two arenas, at the same speed for bulk, unary
// and fan-out (docs/BENCHMARKS.md).
#pragma once

#include <cstddef>

namespace orderstream {

// Caps the arenas at `arenas` (at least 1) unless MALLOC_ARENA_MAX is set, which then wins as the
// operator's choice. Call before the process starts threads. False if nothing was changed.
bool limit_malloc_arenas(std::size_t arenas);

}  // namespace orderstream
