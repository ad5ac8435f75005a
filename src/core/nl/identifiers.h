#pragma once
// Dutch identification numbers every component checks: BSN (burgerservicenummer) and RSIN (rechtspersonen en
// samenwerkingsverbanden informatienummer) share the "elfproef".
#include <string_view>

namespace thorbecke::nl {

//! Nine digits with 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11.
bool PassesElfproef(std::string_view nine_digits);

//! A BSN: the elfproef, and not 000000000.
inline bool IsValidBsn(std::string_view bsn) {
    return PassesElfproef(bsn) && bsn != "000000000";
}

//! An RSIN: the elfproef.
inline bool IsValidRsin(std::string_view rsin) {
    return PassesElfproef(rsin);
}

}  // namespace thorbecke::nl
