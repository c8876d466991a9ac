# ReadStat (Debian libreadstat-dev), which ships neither a CMake package nor
# a pkg-config file: defines ReadStat::readstat.
find_path(ReadStat_INCLUDE_DIR readstat.h)
find_library(ReadStat_LIBRARY readstat)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(ReadStat REQUIRED_VARS ReadStat_LIBRARY ReadStat_INCLUDE_DIR)
if(ReadStat_FOUND AND NOT TARGET ReadStat::readstat)
  add_library(ReadStat::readstat UNKNOWN IMPORTED)
  set_target_properties(ReadStat::readstat PROPERTIES
    IMPORTED_LOCATION ${ReadStat_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${ReadStat_INCLUDE_DIR})
endif()
mark_as_advanced(ReadStat_INCLUDE_DIR ReadStat_LIBRARY)
