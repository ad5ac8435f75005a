#pragma once
// Business rules of the Catalogi API that need no database: the checks of rules ztc-003 … ztc-009 and
// the validity periods of versions. Pure functions, unit-tested in tests/catalogi/rules_test.cpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/error.h"

namespace thorbecke::catalogi {

//! RSIN (and BSN) "elfproef": nine digits whose weighted sum is divisible by 11.
bool IsValidRsin(std::string_view rsin);

//! ztc-004 … ztc-008: brondatumArchiefprocedure's fields must fit its afleidingswijze (errors on the fields).
std::vector<InvalidParam> CheckBrondatumArchiefprocedure(const boost::json::object& brondatum);

//! ztc-003: the afleidingswijze must fit the procestermijn of the selectielijstklasse ("" when unknown or
//! empty: then every afleidingswijze is allowed). A rule on the object as a whole: nonFieldErrors.
std::optional<InvalidParam> CheckAfleidingswijzeForProcestermijn(
    const boost::json::object& brondatum, std::string_view selectielijst_procestermijn
);

//! Two validity periods [begin, end] (dates as YYYY-MM-DD, end empty = open) overlap.
bool PeriodsOverlap(std::string_view begin_a, std::string_view end_a, std::string_view begin_b, std::string_view end_b);

//! ztc-009: a published type may only be patched in `eindeGeldigheid`.
bool OnlyEindeGeldigheid(const boost::json::object& patch);

}  // namespace thorbecke::catalogi
