# Stylesheets of Thorbecke's web pages inside the binary: the NL Design System's Utrecht component CSS and the
# open voorbeeld theme (both EUPL-1.2, from npm) and Thorbecke's own layout CSS. Included from
# src/web/CMakeLists.txt; src/web/assets.cpp pulls the files in with the assembler's .incbin (as
# cmake/swagger-ui.cmake does). Each URL carries a hash of its file, so browsers may cache it for a year.
set(_web_utrecht ${PROJECT_SOURCE_DIR}/node_modules/@utrecht/component-library-css/dist/index.css)
set(_web_theme ${PROJECT_SOURCE_DIR}/node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css)
set(_web_own ${CMAKE_CURRENT_SOURCE_DIR}/static/thorbecke.css)
set(_web_defs "")
foreach(_pair "UTRECHT;${_web_utrecht}" "THEME;${_web_theme}" "OWN;${_web_own}")
    list(GET _pair 0 _name)
    list(GET _pair 1 _path)
    if(NOT EXISTS ${_path})
        message(FATAL_ERROR
            "${_path} is missing: the web pages bundle NL Design System CSS from npm. "
            "Run scripts/install-deps.sh (it installs the npm packages of package.json into node_modules/).")
    endif()
    # ccache hashes the preprocessed source, not what .incbin reads: the hash is a definition, and a change to
    # a file reconfigures, so a new stylesheet is never served from a stale object.
    file(SHA256 ${_path} _hash)
    string(SUBSTRING ${_hash} 0 12 _short)
    list(APPEND _web_defs "THORBECKE_WEB_${_name}_PATH=\"${_path}\"" "THORBECKE_WEB_${_name}_HASH=\"${_short}\"")
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_web_utrecht} ${_web_theme} ${_web_own})
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/assets.cpp PROPERTIES
    OBJECT_DEPENDS "${_web_utrecht};${_web_theme};${_web_own}"
    COMPILE_DEFINITIONS "${_web_defs}")
