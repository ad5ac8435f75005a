#include "core/auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json/json.h"

namespace thorbecke::auth {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Hmac256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    HMAC(
        EVP_sha256(),
        key.data(),
        static_cast<int>(key.size()),
        reinterpret_cast<const unsigned char*>(data.data()),
        data.size(),
        out.data(),
        &len
    );
    return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::optional<std::int64_t> NumberClaim(const boost::json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
    return std::nullopt;
}

}  // namespace

std::string Base64UrlEncode(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        auto n = (static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16) |
                 (static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (i < data.size()) {
        unsigned n = static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16;
        if (i + 1 < data.size()) n |= static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        if (i + 1 < data.size()) out += kAlphabet[(n >> 6) & 63];
    }
    return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view data) {
    std::string out;
    unsigned buf = 0;
    int bits = 0;
    for (char c : data) {
        if (c == '=') break;
        if (c == '+') c = '-';
        if (c == '/') c = '_';
        auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        buf = (buf << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xff);
        }
    }
    return out;
}

Result<TokenClaims> DecodeUnverified(std::string_view token) {
    auto d1 = token.find('.');
    auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string_view::npos) return Fail(Error::Unauthenticated("Het JWT is ongeldig."));
    auto header = Base64UrlDecode(token.substr(0, d1));
    auto payload = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
    if (!header || !payload) return Fail(Error::Unauthenticated("Het JWT is ongeldig."));
    boost::system::error_code ec;
    auto h = boost::json::parse(*header, ec);
    if (ec || !h.is_object()) return Fail(Error::Unauthenticated("Het JWT is ongeldig."));
    auto* alg = h.as_object().if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "HS256") {
        return Fail(Error::Unauthenticated("Het JWT moet met HS256 ondertekend zijn."));
    }
    auto p = boost::json::parse(*payload, ec);
    if (ec || !p.is_object()) return Fail(Error::Unauthenticated("Het JWT is ongeldig."));
    const auto& o = p.as_object();
    TokenClaims claims;
    auto* cid = o.if_contains("client_id");
    if (!cid || !cid->is_string() || cid->as_string().empty()) {
        return Fail(Error::Unauthenticated("Het JWT bevat geen client_id claim."));
    }
    claims.client_id = cid->as_string();
    if (auto* uid = o.if_contains("user_id"); uid && uid->is_string()) claims.user_id = uid->as_string();
    claims.iat = NumberClaim(o, "iat");
    claims.exp = NumberClaim(o, "exp");
    return claims;
}

bool VerifySignature(std::string_view token, std::string_view secret) {
    auto d2 = token.rfind('.');
    if (d2 == std::string_view::npos) return false;
    auto expected = Hmac256(secret, token.substr(0, d2));
    auto given = Base64UrlDecode(token.substr(d2 + 1));
    if (!given || given->size() != expected.size()) return false;
    return CRYPTO_memcmp(given->data(), expected.data(), expected.size()) == 0;
}

std::string Sign(std::string_view client_id, std::string_view secret, std::int64_t iat, std::string_view user_id) {
    std::string header = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
    std::string payload = "{\"iss\":";
    json::AppendString(payload, client_id);
    payload += fmt::format(",\"iat\":{},\"client_id\":", iat);
    json::AppendString(payload, client_id);
    payload += ",\"user_id\":";
    json::AppendString(payload, user_id);
    payload += ",\"user_representation\":";
    json::AppendString(payload, user_id);
    payload += '}';
    std::string signing = header + "." + Base64UrlEncode(payload);
    return signing + "." + Base64UrlEncode(Hmac256(secret, signing));
}

}  // namespace thorbecke::auth
