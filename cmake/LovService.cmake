# lov_include_root(<target> <owner> <dir>): gives <target> a public include
# root under which "lov/<owner>/..." is the folder <dir>. Every include then
# names its owner ("lov/choice/domain/eligibility.h"), and a library exposes
# only its own folder: a service that does not link another service's library
# cannot reach that service's headers at all.
function(lov_include_root target owner dir)
  set(root ${CMAKE_BINARY_DIR}/include/${target})
  set(link ${root}/lov/${owner})
  get_filename_component(parent ${link} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  if(NOT IS_SYMLINK ${link})
    file(CREATE_LINK ${dir} ${link} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC ${root})
endfunction()
