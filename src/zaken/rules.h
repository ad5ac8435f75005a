#pragma once
// Business rules of the Zaken API 1.5.1 that need no database: BSN/RSIN checks, the ranking of
// vertrouwelijkheidaanduidingen (zrc-006), generated identificaties (zrc-002) and the derivation of the
// archiving parameters when a zaak is closed (zrc-021, zrc-026). Pure functions, unit-tested in
// tests/zaken/rules_test.cpp.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/error.h"
#include "core/nl/vertrouwelijkheid.h"
#include "core/time.h"

namespace thorbecke::zaken {

//! BSN "elfproef": nine digits, 9*d1 + 8*d2 + … + 2*d8 - 1*d9 divisible by 11, and not 000000000.
bool IsValidBsn(std::string_view bsn);

//! RSIN: nine digits with the same elfproef (the rule of catalogi::IsValidRsin).
bool IsValidRsin(std::string_view rsin);

//! Adds an ISO 8601 duration to a date the way the reference implementation does (relativedelta): years and
//! months first, clamping the day to the end of the month (2024-01-31 + P1M = 2024-02-29), then weeks and
//! days. A time part counts in whole days only (PT36H adds one day).
std::chrono::year_month_day AddDuration(std::chrono::year_month_day date, const Duration& duration);
//! The same on text: date YYYY-MM-DD, duration as ParseDuration reads it; "" when either is invalid.
std::string AddDuration(std::string_view date, std::string_view iso_duration);

//! The facts of a zaak that the archiving derivation (zrc-021) reads. Dates are YYYY-MM-DD.
struct ArchiveFacts {
    //! Zaak.einddatum: the day the eindstatus was set (Status.datumStatusGezet, as a date).
    std::string einddatum;
    //! Zaakeigenschappen: naam -> waarde (afleidingswijze `eigenschap`).
    std::map<std::string, std::string> eigenschappen;
    //! Of the besluiten of the zaak (afleidingswijze `ingangsdatum_besluit` / `vervaldatum_besluit`); one
    //! ingangsdatum per besluit (it is required on a besluit); vervaldatums may be fewer, or "" for none.
    std::vector<std::string> besluit_ingangsdatums, besluit_vervaldatums;
    //! Zaakobjecten (afleidingswijze `zaakobject`), each as its resource JSON: the element's `objectType` (or
    //! `objectTypeOverige`) is matched against brondatumArchiefprocedure.objecttype, and the attribute named
    //! by datumkenmerk is read from its `objectIdentificatie`, else from the element itself (a caller that
    //! fetched a remote `object` may merge its fields into the element).
    std::vector<boost::json::object> zaakobjecten;
    //! Zaak.hoofdzaak.einddatum (afleidingswijze `hoofdzaak`); "" while the hoofdzaak is open or absent.
    std::string hoofdzaak_einddatum;
    //! Einddatum of every relevanteAndereZaak (afleidingswijze `gerelateerde_zaak`); "" for an open zaak.
    std::vector<std::string> gerelateerde_zaak_einddatums;
    //! What the zaak holds already: the standard derives only values that are still empty.
    std::string archiefnominatie, archiefactiedatum, startdatum_bewaartermijn;
};

//! The zaak's archiving fields after closing it (nullopt: stays null).
struct ArchiveOutcome {
    std::optional<std::string> brondatum;  // derived brondatum, if any
    std::optional<std::string> archiefactiedatum;
    std::string archiefnominatie;
    std::optional<std::string> startdatumBewaartermijn;
};

//! The error code (on invalidParams name "nonFieldErrors", HTTP 400) when the brondatum cannot be derived
//! because the zaak does not fit the resultaattype's configuration.
inline constexpr std::string_view kArchiefactiedatumError = "archiefactiedatum-error";

//! zrc-021: derives archiefnominatie, brondatum, archiefactiedatum and startdatumBewaartermijn when a zaak
//! with a resultaat of this resultaattype (Catalogi JSON: archiefnominatie, archiefactietermijn,
//! brondatumArchiefprocedure) is closed. Errors are 400 "nonFieldErrors"/"archiefactiedatum-error".
Result<ArchiveOutcome> DeriveArchiving(const boost::json::object& resultaattype, const ArchiveFacts& facts);

//! zrc-006: the vertrouwelijkheidaanduidingen and their order (openbaar = 1 … zeer_geheim = 8).
using nl::kVertrouwelijkheidaanduidingen;
using nl::VertrouwelijkheidRank;

//! zrc-002: a generated identificatie, prefix followed by n as ten zero-padded digits
//! ("ZAAK-2026-", 1 -> "ZAAK-2026-0000000001").
std::string NextIdentificatie(std::string_view prefix_year, std::int64_t n);

}  // namespace thorbecke::zaken
