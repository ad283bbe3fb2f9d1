// Thread names: the project's long-lived threads carry a name so that top -H, perf and gdb tell
// a delivery lane from a database worker or gRPC's own threads, which matters when reading where
// the time of a benchmark went.
#pragma once

#include <thread>

namespace orderstream {

// Names `thread` (Linux keeps the first 15 characters). Best effort: a failure is ignored.
void name_thread(std::thread& thread, const char* name);

}  // namespace orderstream
