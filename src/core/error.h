#pragma once
// Errors that a caller is expected to handle travel as values (Result<T>); exceptions are kept for the
// truly unexpected. An Error carries everything a problem+json answer needs, so every layer can return one.
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace thorbecke {

//! One field at fault, as ZGW's `invalidParams` lists them.
struct InvalidParam {
    std::string name;
    std::string code;
    std::string reason;
};

struct Error {
    int status = 500;
    std::string code;    // machine code: "invalid", "not_found", "permission_denied", ...
    std::string title;   // short human summary
    std::string detail;  // longer explanation
    std::vector<InvalidParam> invalid_params;

    static Error Validation(std::vector<InvalidParam> params, std::string detail = {});
    static Error Field(std::string name, std::string code, std::string reason);
    static Error BadRequest(std::string code, std::string detail);
    static Error NotFound(std::string detail = "Niet gevonden.");
    static Error Unauthenticated(std::string detail);
    static Error Forbidden(std::string detail = "U heeft geen toestemming om deze actie uit te voeren.");
    static Error Internal(std::string detail);
    static Error Unavailable(std::string detail);
    static Error Conflict(std::string code, std::string detail);
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> Fail(Error e) {
    return tl::unexpected<Error>(std::move(e));
}

}  // namespace thorbecke
