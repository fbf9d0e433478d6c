# `cpack -G DEB`: one Debian package of what `cmake --install` puts in place (cmake/install.cmake), under /usr.
# Its Depends are computed by dpkg-shlibdeps (dpkg-dev) from the libraries the binary and libkeyward_c.so load,
# so they name the runtime packages of the system that built it (Debian 12: libhyperscan5, libre2-9,
# libgit2-1.5, ...), never a list typed by hand. CPack needs `file` and dpkg-shlibdeps for that (.ci/install-deps).
set(CPACK_PACKAGE_NAME keyward)
set(CPACK_PACKAGE_VENDOR keyward)
set(CPACK_PACKAGE_CONTACT "keyward maintainers <keyward@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "secret scanner for git repositories and outbound LLM requests")
set(CPACK_PACKAGE_DESCRIPTION "keyward finds secrets (API keys, tokens, private keys) in working trees, staged changes
and git history, as a pre-commit hook, in CI or by hand, and screens chat requests for secrets and personal data
before they are sent to an LLM API: keyward filter, keyward proxy and the C library libkeyward_c.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # keyward_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libkeyward_c.so.0 is a shared library in the package: a shlibs file for packages built against it, and the
# ldconfig trigger.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# Every Debian package carries usr/share/doc/<package>/copyright (Debian policy 12.5); `cmake --install` puts it in
# share/doc/keyward as well.
include(GNUInstallDirs)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
include(CPack)
