# Swagger UI (swagger-ui-dist from npm, Apache-2.0) inside the binary: the API documentation pages need no
# CDN and no files beside the binary. Included from src/core/CMakeLists.txt; static_assets.cpp pulls the
# files in with the assembler's .incbin, far cheaper to build than a 1.7 MB C++ array (cmake/embed.cmake).
set(THORBECKE_SWAGGER_UI_DIR ${PROJECT_SOURCE_DIR}/node_modules/swagger-ui-dist)
set(_swagger_ui_files swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE favicon-32x32.png favicon-16x16.png package.json)
set(_swagger_ui_paths "")
foreach(_f IN LISTS _swagger_ui_files)
    if(NOT EXISTS ${THORBECKE_SWAGGER_UI_DIR}/${_f})
        message(FATAL_ERROR
            "${THORBECKE_SWAGGER_UI_DIR}/${_f} is missing: the API documentation pages bundle Swagger UI from npm. "
            "Run scripts/install-deps.sh (it installs the npm tools of package.json into node_modules/).")
    endif()
    list(APPEND _swagger_ui_paths ${THORBECKE_SWAGGER_UI_DIR}/${_f})
endforeach()
file(READ ${THORBECKE_SWAGGER_UI_DIR}/package.json _swagger_ui_package)
string(JSON THORBECKE_SWAGGER_UI_VERSION GET "${_swagger_ui_package}" version)
# ccache hashes the preprocessed source, not what .incbin reads: the files' hash goes into a definition,
# and a change to them reconfigures, so a new Swagger UI is never served from a stale object.
set(_swagger_ui_hashes "")
foreach(_p IN LISTS _swagger_ui_paths)
    file(SHA256 ${_p} _h)
    string(APPEND _swagger_ui_hashes ${_h})
endforeach()
string(SHA256 _swagger_ui_hash "${_swagger_ui_hashes}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_swagger_ui_paths})
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/http/static_assets.cpp PROPERTIES
    OBJECT_DEPENDS "${_swagger_ui_paths}"
    COMPILE_DEFINITIONS
        "THORBECKE_SWAGGER_UI_DIR=\"${THORBECKE_SWAGGER_UI_DIR}\";THORBECKE_SWAGGER_UI_VERSION=\"${THORBECKE_SWAGGER_UI_VERSION}\";THORBECKE_SWAGGER_UI_SHA256=\"${_swagger_ui_hash}\"")
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/http/openapi_doc.cpp PROPERTIES
    COMPILE_DEFINITIONS "THORBECKE_VERSION=\"${PROJECT_VERSION}\"")
