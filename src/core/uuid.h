#pragma once
#include <string>
#include <string_view>

namespace thorbecke {

//! A random (version 4) UUID in lower-case canonical text form.
std::string NewUuid();
//! True for canonical 8-4-4-4-12 hex text (either case).
bool IsUuid(std::string_view s);

//! While alive, the next NewUuid() on this thread returns `uuid` (once). For `thorbecke import`: a migrated
//! resource keeps its UUID, so references to it can be rewritten by swapping the base URL only.
class PresetUuid {
  public:
    explicit PresetUuid(std::string uuid);
    ~PresetUuid();
    PresetUuid(const PresetUuid&) = delete;
    PresetUuid& operator=(const PresetUuid&) = delete;
};

}  // namespace thorbecke
