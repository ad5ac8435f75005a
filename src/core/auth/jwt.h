#pragma once
// JSON Web Tokens as ZGW uses them: HS256, signed with a secret shared between Thorbecke and one client,
// claims `client_id` (who), `user_id`/`user_representation` (on whose behalf), `iat` (when issued).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace thorbecke::auth {

struct TokenClaims {
    std::string client_id;
    std::string user_id;
    std::optional<std::int64_t> iat;
    std::optional<std::int64_t> exp;
};

//! Reads the claims without checking the signature (the secret is found by client_id first).
Result<TokenClaims> DecodeUnverified(std::string_view token);
//! Checks an HS256 signature in constant time.
bool VerifySignature(std::string_view token, std::string_view secret);
//! Makes a token, for the CLI, the demo and tests.
std::string Sign(std::string_view client_id, std::string_view secret, std::int64_t iat, std::string_view user_id = "");

std::string Base64UrlEncode(std::string_view data);
std::optional<std::string> Base64UrlDecode(std::string_view data);

}  // namespace thorbecke::auth
