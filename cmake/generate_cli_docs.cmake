# Writes the shell completions and the man page that the syncgate binary prints from its own
# command line definitions (cli/completion_command.cpp), for install() to pick up.
#   cmake -DSYNCGATE=path/to/syncgate -DOUT_DIR=dir -P generate_cli_docs.cmake
# Output: OUT_DIR/{syncgate.bash,_syncgate,syncgate.fish,syncgate.1,syncgate.1.gz}
if(NOT SYNCGATE OR NOT OUT_DIR)
  message(FATAL_ERROR "usage: cmake -DSYNCGATE=binary -DOUT_DIR=dir -P generate_cli_docs.cmake")
endif()
file(MAKE_DIRECTORY "${OUT_DIR}")
# A sanitizer build's leak report at exit would turn a clean run into a failure here.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")

function(run_syncgate out)
  execute_process(COMMAND "${SYNCGATE}" ${ARGN} OUTPUT_FILE "${OUT_DIR}/${out}.tmp"
                  RESULT_VARIABLE status ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "syncgate ${ARGN} failed (${status}): ${err}")
  endif()
  file(RENAME "${OUT_DIR}/${out}.tmp" "${OUT_DIR}/${out}")
endfunction()

run_syncgate(syncgate.bash completion bash)
run_syncgate(_syncgate completion zsh)
run_syncgate(syncgate.fish completion fish)
run_syncgate(syncgate.1 man)

# Debian installs man pages gzip-compressed; -n keeps the file free of a time stamp.
find_program(GZIP gzip REQUIRED)
execute_process(COMMAND "${GZIP}" -9 -n -c "${OUT_DIR}/syncgate.1"
                OUTPUT_FILE "${OUT_DIR}/syncgate.1.gz" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gzip of the man page failed (${status})")
endif()
