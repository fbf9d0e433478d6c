# keyward.1, made at build time by help2man (Debian's help2man) from `keyward --help-all`: CLI11 prints every
# command's options from the same definitions that parse them, so the page cannot drift from --help. help2man is a
# test dependency (.ci/install-deps); a build without it (the GitHub Action's) makes no page and says so.
include(GNUInstallDirs)
find_program(KEYWARD_HELP2MAN help2man)
if(NOT KEYWARD_HELP2MAN)
  if(KEYWARD_BUILD_TESTS)
    message(FATAL_ERROR "help2man not found: the tests check the man page it makes (.ci/install-deps installs it)")
  endif()
  message(STATUS "help2man not found: no man page (apt-get install help2man)")
  return()
endif()
set(KEYWARD_MAN_PAGE ${CMAKE_BINARY_DIR}/man/keyward.1)
add_custom_command(OUTPUT ${KEYWARD_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
  COMMAND ${KEYWARD_HELP2MAN} --no-info --no-discard-stderr --help-option=--help-all
          --version-string=${PROJECT_VERSION} "--name=find secrets before they leave your machine"
          --output=${KEYWARD_MAN_PAGE} $<TARGET_FILE:keyward>
  DEPENDS keyward
  COMMENT "Writing the man page keyward.1 from keyward --help-all"
  VERBATIM)
add_custom_target(keyward_man_page ALL DEPENDS ${KEYWARD_MAN_PAGE})
install(FILES ${KEYWARD_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
