#pragma once
// Who may see and change which besluiten: grants of component "brc" may be limited to one besluittype
// (Grant::zaaktype holds its URL). Not part of the component's interface.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/principal.h"
#include "core/storage/where.h"

namespace thorbecke::besluiten {

//! What grants compare a besluittype by: its uuid when the URL names a Catalogi besluittype (whatever host
//! it was reached by, stored form included), else the URL itself.
std::string BesluittypeKey(std::string_view url);

//! The besluittype keys the caller may use `scopes` for; nullopt when no grant limits them.
std::optional<std::vector<std::string>> AllowedBesluittypen(
    const auth::Principal* p, const std::vector<std::string>& scopes
);

bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, std::string_view key);

//! Keeps a list to the besluiten (alias `b`) the caller may see, as one condition; false when it may see none.
bool AccessCondition(const auth::Principal* p, const std::vector<std::string>& scopes, storage::Where& w);

//! A change to a besluit of a closed zaak (of this platform) needs zaken.geforceerd-bijwerken for its zaaktype,
//! as the reference implementation asks.
bool MayChangeClosedZaak(const auth::Principal* p, std::string_view zaaktype);

}  // namespace thorbecke::besluiten
