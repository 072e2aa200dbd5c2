# SPDX-License-Identifier: LGPL-3.0-or-later
# The firmware sources that also build for the host: the ones tagged "host"
# in src/sources.list (the list the Makefile reads too), or with a third
# argument those with that tag ("hosthw": drivers against fake devices, unit
# tests only). Included by tests/unit/CMakeLists.txt and tests/fuzz/CMakeLists.txt:
#   reef_host_sources(LOGIC_SOURCES ${ROOT})
#   reef_host_sources(HW_SOURCES ${ROOT} hosthw)
function(reef_host_sources out root)
    set(tag host)
    if(ARGC GREATER 2)
        set(tag ${ARGV2})
    endif()
    file(STRINGS ${root}/src/sources.list lines REGEX "^[^#].*[ \t]${tag}([ \t]|$)")
    set(srcs)
    foreach(line IN LISTS lines)
        string(REGEX MATCH "^[^ \t]+" src "${line}")
        list(APPEND srcs ${root}/${src})
    endforeach()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${root}/src/sources.list)
    set(${out} ${srcs} PARENT_SCOPE)
endfunction()
