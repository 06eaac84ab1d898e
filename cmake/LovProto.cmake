# lov_proto_library(<target> PROTOS <files relative to PROTO_ROOT> [DEPS <targets>]
#                   [PROTO_ROOT <dir>])
# Generates C++ message and gRPC code once into one static library per proto
# package; every service, test and benchmark links that library.
set(LOV_PROTO_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
get_target_property(LOV_GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin LOCATION)
# google/api/http.proto and annotations.proto (the google.api.http option of
# the RPCs served as HTTP/JSON, docs/http.md) as Debian packages them, not
# copied by hand: proto/google/api/ links to the files of
# golang-github-gogo-googleapis-dev (deploy/install.sh).
find_path(LOV_GOOGLEAPIS_DIR google/api/annotations.proto
  PATHS /usr/share/gocode/src/github.com/gogo/googleapis NO_DEFAULT_PATH)
if(NOT LOV_GOOGLEAPIS_DIR)
  message(FATAL_ERROR "google/api/annotations.proto not found: install "
    "golang-github-gogo-googleapis-dev (deploy/install.sh)")
endif()

function(lov_proto_library target)
  cmake_parse_arguments(ARG "" "PROTO_ROOT" "PROTOS;DEPS" ${ARGN})
  if(NOT ARG_PROTO_ROOT)
    set(ARG_PROTO_ROOT ${PROJECT_SOURCE_DIR}/proto)
  endif()
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" base ${proto})
    set(outs ${LOV_PROTO_GEN_DIR}/${base}.pb.cc ${LOV_PROTO_GEN_DIR}/${base}.pb.h
             ${LOV_PROTO_GEN_DIR}/${base}.grpc.pb.cc ${LOV_PROTO_GEN_DIR}/${base}.grpc.pb.h)
    add_custom_command(
      OUTPUT ${outs}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${LOV_PROTO_GEN_DIR}
      COMMAND protobuf::protoc
        --proto_path=${PROJECT_SOURCE_DIR}/proto --proto_path=${ARG_PROTO_ROOT}
        --cpp_out=${LOV_PROTO_GEN_DIR} --grpc_out=${LOV_PROTO_GEN_DIR}
        --plugin=protoc-gen-grpc=${LOV_GRPC_CPP_PLUGIN}
        ${ARG_PROTO_ROOT}/${proto}
      DEPENDS ${ARG_PROTO_ROOT}/${proto} protobuf::protoc
      COMMENT "protoc ${proto}")
    list(APPEND srcs ${LOV_PROTO_GEN_DIR}/${base}.pb.cc ${LOV_PROTO_GEN_DIR}/${base}.grpc.pb.cc)
  endforeach()
  add_library(${target} STATIC ${srcs})
  target_include_directories(${target} PUBLIC ${LOV_PROTO_GEN_DIR})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${ARG_DEPS})
  target_compile_options(${target} PRIVATE -w)
endfunction()
