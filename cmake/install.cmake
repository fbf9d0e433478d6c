# `cmake --install`: the tool, the C ABI (library, header, pkg-config file, CMake package) under the GNUInstallDirs
# layout. Included from the top-level CMakeLists.txt once its targets exist; knows nothing of how they are built.
#   bin/keyward
#   lib/libkeyward_c.so.<KEYWARD_C_SOVERSION> (+ the libkeyward_c.so link for linkers)
#   include/keyward/keyward_c.h                      #include <keyward/keyward_c.h>
#   lib/pkgconfig/keyward.pc                         pkg-config --cflags --libs keyward
#   lib/cmake/keyward/keyward{Config,ConfigVersion,Targets}.cmake   find_package(keyward) -> keyward::keyward_c
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The C ABI's own version, in the SONAME: bumped when a kw_ function changes or goes, not with every release.
set(KEYWARD_C_SOVERSION 0)
set_target_properties(keyward_c PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${KEYWARD_C_SOVERSION})
target_include_directories(keyward_c INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(TARGETS keyward RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS keyward_c EXPORT keywardTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/keyward)

set(KEYWARD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/keyward)
install(EXPORT keywardTargets NAMESPACE keyward:: DESTINATION ${KEYWARD_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/keywardConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/generated/keywardConfig.cmake INSTALL_DESTINATION ${KEYWARD_CMAKE_DIR})
# 0.x: a new minor version may break the ABI, so only the same major.minor is compatible until 1.0.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/generated/keywardConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/generated/keywardConfig.cmake ${CMAKE_BINARY_DIR}/generated/keywardConfigVersion.cmake
        DESTINATION ${KEYWARD_CMAKE_DIR})

# The pkg-config file finds its prefix from its own place (${pcfiledir}), so it stays right whatever --prefix or
# DESTDIR the install is given.
file(RELATIVE_PATH KEYWARD_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/keyward.pc.in ${CMAKE_BINARY_DIR}/generated/keyward.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/generated/keyward.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
