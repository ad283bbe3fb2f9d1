# orderstream_add_proto(<target> IMPORT_DIR <dir> PROTOS <relative .proto>...)
# Generates message and gRPC service code into the build tree and wraps it in a static library.
# The generated code is not the project's: it gets the compiler's defaults, not
# cmake/CompilerWarnings.cmake, and its headers are included as system headers.
function(orderstream_add_proto target)
  cmake_parse_arguments(ARG "" "IMPORT_DIR" "PROTOS" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/generated/${target})
  file(MAKE_DIRECTORY ${out_dir})
  set(sources)
  foreach(proto IN LISTS ARG_PROTOS)
    string(REGEX REPLACE "\\.proto$" "" stem ${proto})
    set(generated
      ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h
      ${out_dir}/${stem}.grpc.pb.cc ${out_dir}/${stem}.grpc.pb.h)
    add_custom_command(
      OUTPUT ${generated}
      COMMAND protobuf::protoc
        --proto_path=${ARG_IMPORT_DIR}
        --cpp_out=${out_dir}
        --grpc_out=${out_dir}
        --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
        ${ARG_IMPORT_DIR}/${proto}
      DEPENDS ${ARG_IMPORT_DIR}/${proto} protobuf::protoc gRPC::grpc_cpp_plugin
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(APPEND sources ${generated})
  endforeach()
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} SYSTEM PUBLIC ${out_dir})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf gRPC::grpc++)
endfunction()

# gRPC's own service definitions (health, reflection), from Debian's grpc-proto package. Found
# once here; a tree elsewhere is given with -DORDERSTREAM_GRPC_PROTO_DIR=<dir>.
find_path(ORDERSTREAM_GRPC_PROTO_DIR grpc/health/v1/health.proto
  PATHS /usr/share/grpc-proto /usr/local/share/grpc-proto
  DOC "Directory holding grpc/health/v1/health.proto (Debian: package grpc-proto)")
if(NOT ORDERSTREAM_GRPC_PROTO_DIR)
  message(FATAL_ERROR "grpc/health/v1/health.proto not found: install grpc-proto "
                      "(scripts/setup.sh) or set ORDERSTREAM_GRPC_PROTO_DIR")
endif()
