#include "core/uuid.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <utility>

namespace thorbecke {

namespace {
thread_local std::string preset_uuid;
}  // namespace

PresetUuid::PresetUuid(std::string uuid) {
    preset_uuid = std::move(uuid);
}
PresetUuid::~PresetUuid() {
    preset_uuid.clear();
}

std::string NewUuid() {
    if (!preset_uuid.empty()) return std::exchange(preset_uuid, std::string());
    std::array<unsigned char, 16> b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kHex[b[i] >> 4];
        out += kHex[b[i] & 0x0f];
    }
    return out;
}

bool IsUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

}  // namespace thorbecke
