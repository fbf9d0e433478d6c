# keyward.1, made at build time by help2man (Debian's help2man) from keyward's --help and every command's --help
# (cmake/man_page_help.sh puts each command's under a section of its own): CLI11 prints them from the same
# definitions that parse the command line, so the page cannot drift from --help. help2man is a test dependency
# (.ci/install-deps); a build without it and without tests (the GitHub Action's) makes no page and says so.
include(GNUInstallDirs)
find_program(KEYWARD_HELP2MAN help2man)
if(NOT KEYWARD_HELP2MAN)
  if(KEYWARD_BUILD_TESTS)
    message(FATAL_ERROR "help2man not found: the tests check the man page it makes (.ci/install-deps installs it)")
  endif()
  message(STATUS "help2man not found: no man page (apt-get install help2man)")
  return()
endif()
# help2man names the page after the program it runs: a `keyward` that is man_page_help.sh around the real one.
set(KEYWARD_MAN_HELP ${CMAKE_BINARY_DIR}/man/bin/keyward)
file(GENERATE OUTPUT ${KEYWARD_MAN_HELP}
     CONTENT "#!/bin/sh\nexec '${CMAKE_SOURCE_DIR}/cmake/man_page_help.sh' '$<TARGET_FILE:keyward>' \"$@\"\n"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(KEYWARD_MAN_PAGE ${CMAKE_BINARY_DIR}/man/keyward.1)
# Installed gzipped, as Debian policy has man pages (gzip -9n: no name or time in it, so the same page makes the
# same bytes); `man` reads it as it is. The test reads the plain page beside it.
add_custom_command(OUTPUT ${KEYWARD_MAN_PAGE} ${KEYWARD_MAN_PAGE}.gz
  COMMAND ${KEYWARD_HELP2MAN} --no-info --no-discard-stderr --version-string=${PROJECT_VERSION}
          "--name=find secrets before they leave your machine" --output=${KEYWARD_MAN_PAGE} ${KEYWARD_MAN_HELP}
  COMMAND gzip -9nkf ${KEYWARD_MAN_PAGE}
  DEPENDS keyward ${CMAKE_SOURCE_DIR}/cmake/man_page_help.sh
  COMMENT "Writing the man page keyward.1 from every command's --help"
  VERBATIM)
add_custom_target(keyward_man_page ALL DEPENDS ${KEYWARD_MAN_PAGE} ${KEYWARD_MAN_PAGE}.gz)
install(FILES ${KEYWARD_MAN_PAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
