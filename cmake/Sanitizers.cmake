# ORDERSTREAM_SANITIZER: build everything (dependencies compiled here included) instrumented.
#   address  AddressSanitizer + UndefinedBehaviorSanitizer; any finding fails the process
#   thread   ThreadSanitizer (Debian's gRPC, Abseil and protobuf are not instrumented, so only
#            tests that run no gRPC are meaningful under it; see docs/DESIGN.md, "Tests")
# Use a build directory of its own: scripts/sanitize.sh address|thread does.
set(ORDERSTREAM_SANITIZER "" CACHE STRING "Sanitizer build: empty, address (with undefined) or thread")
set_property(CACHE ORDERSTREAM_SANITIZER PROPERTY STRINGS "" address thread)

if(ORDERSTREAM_SANITIZER STREQUAL "address")
  set(orderstream_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(ORDERSTREAM_SANITIZER STREQUAL "thread")
  set(orderstream_sanitize_flags -fsanitize=thread)
elseif(NOT ORDERSTREAM_SANITIZER STREQUAL "")
  message(FATAL_ERROR "ORDERSTREAM_SANITIZER must be empty, address or thread, not '${ORDERSTREAM_SANITIZER}'")
endif()

if(orderstream_sanitize_flags)
  add_compile_options(${orderstream_sanitize_flags} -fno-omit-frame-pointer)
  add_link_options(${orderstream_sanitize_flags})
endif()
