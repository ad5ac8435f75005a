#include "core/error.h"

namespace thorbecke {

Error Error::Validation(std::vector<InvalidParam> params, std::string detail) {
    Error e;
    e.status = 400;
    e.code = "invalid";
    e.title = "Invalid input.";
    e.detail = detail.empty() ? "De invoer is ongeldig." : std::move(detail);
    e.invalid_params = std::move(params);
    return e;
}

Error Error::Field(std::string name, std::string code, std::string reason) {
    std::string detail = reason;
    return Validation({InvalidParam{std::move(name), std::move(code), std::move(reason)}}, std::move(detail));
}

Error Error::BadRequest(std::string code, std::string detail) {
    return Error{400, std::move(code), "Bad request.", std::move(detail), {}};
}

Error Error::NotFound(std::string detail) {
    return Error{404, "not_found", "Niet gevonden.", std::move(detail), {}};
}

Error Error::Unauthenticated(std::string detail) {
    return Error{401, "not_authenticated", "Authenticatiegegevens zijn niet opgegeven.", std::move(detail), {}};
}

Error Error::Forbidden(std::string detail) {
    return Error{
        403, "permission_denied", "U heeft geen toestemming om deze actie uit te voeren.", std::move(detail), {}};
}

Error Error::Internal(std::string detail) {
    return Error{500, "error", "Er is een serverfout opgetreden.", std::move(detail), {}};
}

Error Error::Unavailable(std::string detail) {
    return Error{503, "unavailable", "Tijdelijk niet beschikbaar.", std::move(detail), {}};
}

Error Error::Conflict(std::string code, std::string detail) {
    return Error{409, std::move(code), "Conflict.", std::move(detail), {}};
}

}  // namespace thorbecke
