# cmake -DOUTPUT=file.cpp -DHEADER=scoring/x/y.hpp -DNAMESPACE=ns -DFUNCTION=name
#       -DINPUTS="a.mustache|b.mustache" -P embed_text.cmake
#
# Writes a C++ source that holds every INPUT file's text and defines
#   std::string_view FUNCTION(std::string_view file_name)
# in NAMESPACE, returning the text of the input with that file name (no
# folder), or an empty view. Used to compile the report's templates into the
# binary, so it needs no data files at run time. Runs at build time, so an
# edited template rebuilds the binary.
# INPUTS is separated by '|': a ';' list does not survive add_custom_command.
string(REPLACE "|" ";" INPUTS "${INPUTS}")
set(delimiter "psyscore_text")  # at most 16 characters
set(entries "")
foreach(input IN LISTS INPUTS)
  file(READ "${input}" text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${input} contains the raw-string delimiter )${delimiter}\"")
  endif()
  get_filename_component(name "${input}" NAME)
  string(APPEND entries "    {\"${name}\", R\"${delimiter}(${text})${delimiter}\"},\n")
endforeach()
set(source "// Generated at build time by cmake/embed_text.cmake; edit the embedded files instead.
#include \"${HEADER}\"

#include <array>
#include <string_view>
#include <utility>

namespace ${NAMESPACE} {
namespace {
constexpr std::pair<std::string_view, std::string_view> kFiles[] = {
${entries}};
}  // namespace

std::string_view ${FUNCTION}(std::string_view file_name) {
  for (const auto& [name, text] : kFiles) {
    if (name == file_name) return text;
  }
  return {};
}

}  // namespace ${NAMESPACE}
")
# Only rewrite on change, so an unchanged template does not rebuild anything.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
  if(previous STREQUAL source)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${source}")
