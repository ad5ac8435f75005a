#pragma once
// The selectielijst fixtures compiled into the binary (data/selectielijst/). The definitions are generated
// by thorbecke_embed() in src/referentielijsten/CMakeLists.txt; the generator writes no header.
#include <string_view>

namespace thorbecke::embedded {

std::string_view selectielijst_procestypen();
std::string_view selectielijst_resultaten();
std::string_view selectielijst_resultaattypeomschrijvingen();

}  // namespace thorbecke::embedded
