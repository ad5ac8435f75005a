#pragma once
// Files inside the binary through the assembler's .incbin: megabytes of CSS or JavaScript as a C++ array would
// cost the compiler far more than copying bytes into the object file. The build passes the path (a string
// literal) and a hash of the file as definitions, so a changed file rebuilds the object (see
// cmake/swagger-ui.cmake, cmake/web-assets.cmake).
#include <cstdint>

//! Defines `thorbecke_asset_<name>` (the bytes) and `thorbecke_asset_<name>_size` from the file at `path`.
#define THORBECKE_INCBIN(name, path)                                   \
    __asm__(                                                           \
        ".pushsection .rodata\n"                                       \
        ".balign 16\n"                                                 \
        ".hidden thorbecke_asset_" #name                               \
        "\n"                                                           \
        ".globl thorbecke_asset_" #name                                \
        "\n"                                                           \
        "thorbecke_asset_" #name                                       \
        ":\n"                                                          \
        ".incbin \"" path                                              \
        "\"\n"                                                         \
        "thorbecke_asset_" #name                                       \
        "_end:\n"                                                      \
        ".balign 8\n"                                                  \
        ".hidden thorbecke_asset_" #name                               \
        "_size\n"                                                      \
        ".globl thorbecke_asset_" #name                                \
        "_size\n"                                                      \
        "thorbecke_asset_" #name                                       \
        "_size:\n"                                                     \
        ".quad thorbecke_asset_" #name "_end - thorbecke_asset_" #name \
        "\n"                                                           \
        ".popsection\n"                                                \
    );                                                                 \
    extern "C" const char thorbecke_asset_##name[];                    \
    extern "C" const std::uint64_t thorbecke_asset_##name##_size;
