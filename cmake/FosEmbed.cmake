# fos_embed_files(<target> NAMESPACE <ns> FUNCTION <fn> BASE <dir> FILES <file>...)
# Compiles data files into <target> so the fos binary needs no data folder at run time.
# Generates <fn>(std::string_view relative_path) -> std::optional<std::string_view>
# and <fn>_names() -> std::vector<std::string_view>, in namespace <ns>.
function(fos_embed_files target)
  cmake_parse_arguments(E "" "NAMESPACE;FUNCTION;BASE" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${E_FUNCTION}_embedded.cpp)
  set(inputs)
  foreach(f ${E_FILES})
    list(APPEND inputs ${E_BASE}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${E_NAMESPACE} -DFUNCTION=${E_FUNCTION}
            -DBASE=${E_BASE} "-DFILES=${E_FILES}" -P ${CMAKE_SOURCE_DIR}/cmake/FosEmbedScript.cmake
    DEPENDS ${inputs} ${CMAKE_SOURCE_DIR}/cmake/FosEmbedScript.cmake
    COMMENT "Embedding ${E_FUNCTION} data files"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
