#include "common/thread_name.h"

#include <pthread.h>

#include <string>

namespace orderstream {

void name_thread(std::thread& thread, const char* name) {
  const std::string shortened = std::string(name).substr(0, 15);
  pthread_setname_np(thread.native_handle(), shortened.c_str());
}

}  // namespace orderstream
