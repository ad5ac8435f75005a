# Turns a file into a C++ translation unit defining `std::string_view thorbecke::embedded::SYMBOL()`.
# Hex bytes instead of a raw string literal: any content is safe and compilers take any size.
file(READ ${IN} content HEX)
string(LENGTH "${content}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace thorbecke::embedded {\nnamespace { const char kData[] = {${bytes} 0}; }\nstd::string_view ${SYMBOL}() { return {kData, ${len}}; }\n}\n")
