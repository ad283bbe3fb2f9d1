#include "common/malloc_arenas.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>

namespace orderstream {

bool limit_malloc_arenas(std::size_t arenas) {
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr) return false;
  return mallopt(M_ARENA_MAX, static_cast<int>(std::clamp<std::size_t>(arenas, 1, 1024))) == 1;
}

}  // namespace orderstream
