# libxlsxwriter (Debian libxlsxwriter-dev), found through its pkg-config file:
# defines XlsxWriter::xlsxwriter.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_XlsxWriter QUIET xlsxwriter)
endif()
find_path(XlsxWriter_INCLUDE_DIR xlsxwriter.h HINTS ${PC_XlsxWriter_INCLUDE_DIRS})
find_library(XlsxWriter_LIBRARY xlsxwriter HINTS ${PC_XlsxWriter_LIBRARY_DIRS})
find_package(ZLIB QUIET)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(XlsxWriter REQUIRED_VARS XlsxWriter_LIBRARY XlsxWriter_INCLUDE_DIR ZLIB_FOUND)
if(XlsxWriter_FOUND AND NOT TARGET XlsxWriter::xlsxwriter)
  add_library(XlsxWriter::xlsxwriter UNKNOWN IMPORTED)
  set_target_properties(XlsxWriter::xlsxwriter PROPERTIES
    IMPORTED_LOCATION ${XlsxWriter_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${XlsxWriter_INCLUDE_DIR}
    INTERFACE_LINK_LIBRARIES ZLIB::ZLIB)
endif()
mark_as_advanced(XlsxWriter_INCLUDE_DIR XlsxWriter_LIBRARY)
