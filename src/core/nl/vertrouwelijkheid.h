#pragma once
// The vertrouwelijkheidaanduidingen of Dutch government information (the ZGW standards' scale), from the most
// open to the most confidential: zaken, documents and the rights to them are compared on it.
#include <array>
#include <string_view>

namespace thorbecke::nl {

inline constexpr std::array<std::string_view, 8> kVertrouwelijkheidaanduidingen = {
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
};

//! openbaar = 1 … zeer_geheim = 8; 0 when unknown.
constexpr int VertrouwelijkheidRank(std::string_view aanduiding) {
    for (std::size_t i = 0; i < kVertrouwelijkheidaanduidingen.size(); ++i) {
        if (kVertrouwelijkheidaanduidingen[i] == aanduiding) return static_cast<int>(i) + 1;
    }
    return 0;
}

}  // namespace thorbecke::nl
