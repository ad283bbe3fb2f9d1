# orderstream_target_warnings(<target>...)
# The project's own code compiles with these warnings; `cmake -DORDERSTREAM_WARNINGS_AS_ERRORS=ON`
# makes them errors, and CI builds that way (.ci/run), so no warning lands. The option is OFF for
# everyone else: a newer compiler than CI's may warn about code CI accepts, and that must not
# break a user's build. Generated proto code gets none of the warnings: it is not ours to fix. The list follows cpp-best-practices' cmake_template, minus the ones this code base
# is not written for (-Wconversion and -Wsign-conversion: it mixes size_t and int64_t counts)
# and -Wnull-dereference, which GCC 12 raises at -O2 inside libstdc++ code inlined from CLI11.
option(ORDERSTREAM_WARNINGS_AS_ERRORS "Treat warnings in the project's own code as errors" OFF)

set(ORDERSTREAM_WARNINGS
  -Wall
  -Wextra
  -Wpedantic
  -Wshadow
  -Wnon-virtual-dtor
  -Wold-style-cast
  -Wcast-align
  -Woverloaded-virtual
  -Wdouble-promotion
  -Wformat=2
  -Wimplicit-fallthrough
  -Wmisleading-indentation)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")  # GCC only; the fuzz build uses clang
  list(APPEND ORDERSTREAM_WARNINGS -Wduplicated-cond -Wduplicated-branches -Wlogical-op
    -Wuseless-cast)
endif()
if(ORDERSTREAM_WARNINGS_AS_ERRORS)
  list(APPEND ORDERSTREAM_WARNINGS -Werror)
endif()

function(orderstream_target_warnings)
  foreach(target IN LISTS ARGN)
    target_compile_options(${target} PRIVATE ${ORDERSTREAM_WARNINGS})
  endforeach()
endfunction()
