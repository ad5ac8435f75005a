#pragma once
// The assessment endpoints of the register's API (paths in openapi.json): the public IAMA catalogue, and for
// staff (bearer staff token) a registration's IAMA, its sign-off, and its external assessment and approval.
#include <string>

#include "accounts/accounts.h"
#include "algoritmeregister/assessment.h"
#include "core/http/router.h"

namespace thorbecke::algoritmeregister {

//! Registers under `api_root` ("/algoritmeregister/api/v1"):
//!   GET  /iama-vragen (public)
//!   GET  /registraties/{lars}/iama (staff), PATCH (redacteur), POST .../iama/goedkeuren (goedkeurder)
//!   GET  /registraties/{lars}/externe-toets (staff), PUT (redacteur), POST .../externe-toets/goedkeuren
//!   (goedkeurder)
void RegisterAssessmentRoutes(
    http::Router& router, Assessments& assessments, accounts::AccountStore& accounts, const std::string& api_root
);

//! The JSON shapes the API answers with (also usable by other renderers).
boost::json::object IamaStateJson(const IamaState& state);
boost::json::object ExternalAssessmentJson(const ExternalAssessment& external);

}  // namespace thorbecke::algoritmeregister
