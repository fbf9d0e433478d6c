# Shell completions for bash, zsh and fish, written at build time by `keyward completion SHELL`
# (scanner/cli/completion.cpp) from the same CLI11 definitions that parse the command line, and installed where each
# shell looks for packaged completions on Debian.
include(GNUInstallDirs)
set(KEYWARD_COMPLETIONS_DIR ${CMAKE_BINARY_DIR}/completions)
set(KEYWARD_COMPLETION_FILES)
foreach(entry "bash;keyward;bash-completion/completions" "zsh;_keyward;zsh/vendor-completions"
              "fish;keyward.fish;fish/vendor_completions.d")
  list(GET entry 0 shell)
  list(GET entry 1 file)
  list(GET entry 2 directory)
  set(output ${KEYWARD_COMPLETIONS_DIR}/${shell}/${file})
  add_custom_command(OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${KEYWARD_COMPLETIONS_DIR}/${shell}
    COMMAND sh -c "\"$1\" completion ${shell} > \"$2\"" sh $<TARGET_FILE:keyward> ${output}
    DEPENDS keyward
    COMMENT "Writing the ${shell} completion from keyward completion ${shell}"
    VERBATIM)
  list(APPEND KEYWARD_COMPLETION_FILES ${output})
  install(FILES ${output} DESTINATION ${CMAKE_INSTALL_DATADIR}/${directory})
endforeach()
add_custom_target(keyward_completions ALL DEPENDS ${KEYWARD_COMPLETION_FILES})
